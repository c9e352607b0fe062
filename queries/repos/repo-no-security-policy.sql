-- id: repo-no-security-policy
-- title: Public repository without a security policy
-- severity: low
-- platforms: github
-- description: Researchers who find a vulnerability have no documented private channel (SECURITY.md or private vulnerability reporting), so reports end up in public issues.
-- remediation: Add a SECURITY.md (or an organisation-wide one in the .github repository) and enable private vulnerability reporting.
-- tactics: initial-access
-- references: CIS SSCS 1.2.1; Scorecard Security-Policy
SELECT
    'repository' AS resource_type,
    org || '/' || repo AS resource,
    CASE
        WHEN has_security_policy OR private_vulnerability_reporting THEN
            concat_ws(' and ', CASE WHEN has_security_policy THEN 'SECURITY.md present' END,
                               CASE WHEN private_vulnerability_reporting THEN 'private vulnerability reporting enabled' END)
        WHEN has_security_policy IS NULL THEN 'SECURITY.md presence unknown'
        ELSE 'no SECURITY.md and no private vulnerability reporting'
    END AS reason,
    CASE
        WHEN has_security_policy OR private_vulnerability_reporting THEN 'pass'
        WHEN has_security_policy IS NULL THEN 'unknown'
        ELSE 'fail'
    END AS status,
    platform, host, org, repo
FROM repositories
WHERE platform = 'github' AND visibility = 'public'
  AND coalesce(is_archived, false) = false AND coalesce(is_fork, false) = false
