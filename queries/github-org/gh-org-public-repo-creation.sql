-- id: gh-org-public-repo-creation
-- title: Members can create public repositories
-- severity: medium
-- platforms: github
-- description: Any member can publish code (and its history, including secrets) to the world by creating a public repository.
-- remediation: Organisation settings > Member privileges > Repository creation: untick Public.
-- tactics: exfiltration
-- references: CIS SSCS 1.2.2; Legitify members_can_create_public_repositories
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN members_can_create_public_repos IS NULL THEN 'repository creation policy could not be read'
        WHEN members_can_create_public_repos THEN 'members can create public repositories'
        ELSE 'only owners can create public repositories'
    END AS reason,
    CASE
        WHEN members_can_create_public_repos IS NULL THEN 'unknown'
        WHEN members_can_create_public_repos THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
