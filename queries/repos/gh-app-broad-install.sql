-- id: gh-app-broad-install
-- title: GitHub App installed on all repositories with write permissions
-- severity: medium
-- platforms: github
-- description: A compromise of the app (or its private key) gives write or admin access to every repository, including ones created later.
-- remediation: Organisation settings > GitHub Apps > Configure: switch to Only select repositories, and review whether the write permissions are needed.
-- tactics: lateral-movement, persistence
-- references: Legitify; CIS SSCS 1.3.4
SELECT
    'integration' AS resource_type,
    org || ':app ' || coalesce(slug, installation_id) AS resource,
    CASE
        WHEN suspended THEN 'installation is suspended'
        WHEN repository_selection IS NULL OR permissions IS NULL THEN 'installation settings could not be read'
        WHEN array_has(map_values(permissions), 'admin') THEN 'installed on ' || repository_selection || ' repositories with admin permissions'
        WHEN array_has(map_values(permissions), 'write') THEN 'installed on ' || repository_selection || ' repositories with write permissions'
        ELSE 'installed on ' || repository_selection || ' repositories with read-only permissions'
    END AS reason,
    CASE
        WHEN suspended THEN 'pass'
        WHEN repository_selection IS NULL OR permissions IS NULL THEN 'unknown'
        WHEN repository_selection = 'all'
             AND (array_has(map_values(permissions), 'write') OR array_has(map_values(permissions), 'admin')) THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM integrations
WHERE platform = 'github' AND kind = 'github_app'
