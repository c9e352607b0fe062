-- id: gh-org-private-forking
-- title: Members can fork private repositories
-- severity: low
-- platforms: github
-- description: Forks of private repositories live under personal accounts, outside the organisation's policies and audit, and survive the member leaving.
-- remediation: Organisation settings > Member privileges > Repository forking: untick Allow forking of private repositories.
-- tactics: exfiltration
-- references: Legitify forking_allowed_for_repository
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN members_can_fork_private_repos IS NULL THEN 'forking policy could not be read'
        WHEN members_can_fork_private_repos THEN 'members can fork private repositories'
        ELSE 'forking of private repositories is disabled'
    END AS reason,
    CASE
        WHEN members_can_fork_private_repos IS NULL THEN 'unknown'
        WHEN members_can_fork_private_repos THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
