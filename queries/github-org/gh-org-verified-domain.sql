-- id: gh-org-verified-domain
-- title: Organisation has no verified domain
-- severity: low
-- platforms: github
-- description: Without a verified domain, users cannot tell the real organisation from a look-alike, and notifications cannot be restricted to company addresses.
-- remediation: Organisation settings > Verified and approved domains: add and verify the company domain.
-- tactics: initial-access
-- references: CIS SSCS 1.3.9
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN is_verified IS NULL THEN 'verification status could not be read'
        WHEN is_verified THEN 'organisation has a verified domain'
        ELSE 'organisation has no verified domain'
    END AS reason,
    CASE
        WHEN is_verified IS NULL THEN 'unknown'
        WHEN is_verified THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
