-- id: repo-secret-scanning-disabled
-- title: Secret scanning is disabled
-- severity: high
-- platforms: github
-- description: Credentials committed to the repository (in any branch or in history) are not detected.
-- remediation: Repository settings > Code security: enable Secret scanning (or apply an organisation security configuration that enables it).
-- tactics: credential-access
-- references: Defender: "GitHub repositories should have secret scanning enabled"; CIS SSCS 1.5.1; Legitify secret_scanning_not_enabled
SELECT
    'repository' AS resource_type,
    concat_ws('/', org, project, repo) AS resource,
    CASE
        WHEN secret_scanning IS NULL THEN 'secret scanning setting could not be read'
        WHEN secret_scanning THEN 'secret scanning is enabled'
        ELSE 'secret scanning is disabled'
    END AS reason,
    CASE
        WHEN secret_scanning IS NULL THEN 'unknown'
        WHEN secret_scanning THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, project, repo
FROM repositories
WHERE platform = 'github'
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
