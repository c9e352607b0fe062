-- id: repo-dependabot-disabled
-- title: Dependabot alerts or security updates are disabled
-- severity: medium
-- platforms: github
-- description: Known-vulnerable dependencies are not reported (alerts) or not patched automatically (security updates).
-- remediation: Repository settings > Code security: enable Dependabot alerts and Dependabot security updates.
-- tactics: initial-access
-- references: Defender: "GitHub repositories should have Dependabot scanning enabled"; CIS SSCS 3.2.2; Scorecard Dependency-Update-Tool
SELECT
    'repository' AS resource_type,
    org || '/' || repo AS resource,
    CASE
        WHEN vulnerability_alerts = false AND dependabot_security_updates = false THEN 'Dependabot alerts and security updates are disabled'
        WHEN vulnerability_alerts = false THEN 'Dependabot alerts are disabled'
        WHEN dependabot_security_updates = false THEN 'Dependabot security updates are disabled'
        WHEN vulnerability_alerts IS NULL OR dependabot_security_updates IS NULL THEN 'Dependabot settings could not be read'
        ELSE 'Dependabot alerts and security updates are enabled'
    END AS reason,
    CASE
        WHEN vulnerability_alerts = false OR dependabot_security_updates = false THEN 'fail'
        WHEN vulnerability_alerts IS NULL OR dependabot_security_updates IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo
FROM repositories
WHERE platform = 'github'
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
