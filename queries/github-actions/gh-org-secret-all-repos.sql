-- id: gh-org-secret-all-repos
-- title: Organisation Actions secret is available to all repositories
-- severity: high
-- platforms: github
-- description: Anyone with write access to any repository (or able to land a workflow there) can read the secret from a workflow.
-- remediation: Organisation settings > Secrets and variables > Actions: set the secret's repository access to Selected repositories and list only those that need it.
-- tactics: credential-access, lateral-movement
-- references: Defender: "GitHub organizations should not make action secrets accessible to all repositories"; Legitify organization_secret_is_available_to_all_repositories
SELECT
    'secret' AS resource_type,
    org || ':' || name AS resource,
    CASE
        WHEN visibility IS NULL THEN 'secret visibility could not be read'
        WHEN visibility = 'all' THEN 'available to all repositories'
        WHEN visibility = 'private' THEN 'available to all private and internal repositories'
        ELSE 'available to ' || CAST(coalesce(cardinality(selected_repositories), 0) AS VARCHAR) || ' selected repositories'
    END AS reason,
    CASE
        WHEN visibility IS NULL THEN 'unknown'
        WHEN visibility IN ('all', 'private') THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM secrets
WHERE platform = 'github' AND scope = 'org'
