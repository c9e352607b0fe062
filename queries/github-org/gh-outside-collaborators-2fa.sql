-- id: gh-outside-collaborators-2fa
-- title: Outside collaborator without two-factor authentication
-- severity: high
-- platforms: github
-- description: An outside collaborator (not bound by the organisation's SSO or member policies) has repository access and no second factor.
-- remediation: Require 2FA for the organisation, or ask the collaborator to enable 2FA and remove their access until they do.
-- tactics: initial-access, credential-access
-- references: Defender: "(Preview) GitHub organizations should enforce multifactor authentication for outside collaborators"; CIS SSCS 1.3.5
SELECT
    'member' AS resource_type,
    org || '/' || login AS resource,
    CASE
        WHEN two_factor_enabled IS NULL THEN 'outside collaborator ' || login || ': 2FA status not visible to the token (needs org owner)'
        WHEN two_factor_enabled THEN 'outside collaborator ' || login || ' has 2FA enabled'
        ELSE 'outside collaborator ' || login || ' has 2FA disabled'
    END AS reason,
    CASE
        WHEN two_factor_enabled IS NULL THEN 'unknown'
        WHEN two_factor_enabled THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM members
WHERE platform = 'github' AND role = 'outside_collaborator'
