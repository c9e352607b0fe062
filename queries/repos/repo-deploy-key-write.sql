-- id: repo-deploy-key-write
-- title: Deploy key with write access
-- severity: high
-- platforms: github
-- description: A deploy key that can push is a long-lived, unowned credential that bypasses user 2FA and often lives on build servers.
-- remediation: Replace it with a read-only deploy key, or with a GitHub App / fine-grained token scoped to the repository.
-- tactics: persistence, credential-access
-- references: Legitify repository_deploy_key_write_access; CIS SSCS 1.3.1
SELECT
    'deploy_key' AS resource_type,
    org || '/' || repo || ':' || coalesce(title, key_id) AS resource,
    CASE
        WHEN read_only IS NULL THEN 'key permissions could not be read'
        WHEN read_only THEN 'read-only deploy key'
        ELSE 'deploy key can push'
    END AS reason,
    CASE
        WHEN read_only IS NULL THEN 'unknown'
        WHEN read_only THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, repo
FROM deploy_keys
WHERE platform = 'github'
