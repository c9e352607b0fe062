-- id: repo-push-protection-disabled
-- title: Secret scanning push protection is disabled
-- severity: high
-- platforms: github
-- description: Pushes containing recognised secrets are accepted instead of blocked, so credentials land in history before anyone sees an alert.
-- remediation: Repository settings > Code security: enable Push protection under secret scanning.
-- tactics: credential-access
-- references: Defender: "GitHub organizations should have secret scanning push protection enabled"; CIS SSCS 1.5.1
SELECT
    'repository' AS resource_type,
    concat_ws('/', org, project, repo) AS resource,
    CASE
        WHEN push_protection IS NULL THEN 'push protection setting could not be read'
        WHEN push_protection THEN 'push protection is enabled'
        ELSE 'push protection is disabled'
    END AS reason,
    CASE
        WHEN push_protection IS NULL THEN 'unknown'
        WHEN push_protection THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, project, repo
FROM repositories
WHERE platform = 'github'
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
