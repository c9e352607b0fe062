-- id: gh-org-2fa-required
-- title: Organisation does not require two-factor authentication
-- severity: high
-- platforms: github
-- description: Members, outside collaborators and billing managers can use the organisation without a second factor, so one phished password opens its repositories.
-- remediation: Organisation settings > Authentication security > Require two-factor authentication for everyone in the organisation
--   (warn members first: accounts without 2FA are removed).
-- tactics: initial-access, credential-access
-- references: CIS SSCS 1.3.5; Legitify two_factor_authentication_not_required_for_org
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN two_factor_required IS NULL THEN 'two-factor requirement could not be read (needs org owner)'
        WHEN two_factor_required THEN 'two-factor authentication is required'
        ELSE 'two-factor authentication is not required'
    END AS reason,
    CASE
        WHEN two_factor_required IS NULL THEN 'unknown'
        WHEN two_factor_required THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
