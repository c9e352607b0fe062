-- id: gh-org-new-repo-security-defaults
-- title: New repositories do not get secret scanning, push protection and Dependabot by default
-- severity: medium
-- platforms: github
-- description: Security features that are not on by default for new repositories are missing on every repository nobody remembers to configure.
-- remediation: Organisation settings > Code security > Configurations: apply a configuration with secret scanning, push protection and Dependabot alerts
--   to new repositories by default.
-- tactics: credential-access, defense-evasion
-- references: Defender: "GitHub organizations should have secret scanning push protection enabled"; Legitify secret_scanning_not_enabled_for_new_repositories
WITH s AS (
    SELECT platform, host, org,
        concat_ws(', ',
            CASE WHEN secret_scanning_default = false THEN 'secret scanning' END,
            CASE WHEN push_protection_default = false THEN 'push protection' END,
            CASE WHEN dependabot_alerts_default = false THEN 'Dependabot alerts' END) AS off,
        concat_ws(', ',
            CASE WHEN secret_scanning_default IS NULL THEN 'secret scanning' END,
            CASE WHEN push_protection_default IS NULL THEN 'push protection' END,
            CASE WHEN dependabot_alerts_default IS NULL THEN 'Dependabot alerts' END) AS unread
    FROM orgs
    WHERE platform = 'github'
)
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN off <> '' THEN 'not enabled by default for new repositories: ' || off
        WHEN unread <> '' THEN 'defaults could not be read: ' || unread
        ELSE 'secret scanning, push protection and Dependabot alerts are on by default'
    END AS reason,
    CASE
        WHEN off <> '' THEN 'fail'
        WHEN unread <> '' THEN 'unknown'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM s
