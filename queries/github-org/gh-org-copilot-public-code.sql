-- id: gh-org-copilot-public-code
-- title: Copilot suggestions matching public code are allowed
-- severity: high
-- platforms: github
-- description: Copilot may insert verbatim public code (with its licence obligations and known flaws) into the organisation's repositories.
-- remediation: Organisation settings > Copilot > Policies: set Suggestions matching public code to Blocked.
-- tactics: initial-access
-- references: Defender: "(Preview) GitHub organizations should block Copilot suggestions that match public code"
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN copilot_public_code_suggestions IS NULL THEN 'Copilot policy could not be read (no Copilot plan or no permission)'
        ELSE 'suggestions matching public code: ' || copilot_public_code_suggestions
    END AS reason,
    CASE
        WHEN copilot_public_code_suggestions IS NULL THEN 'unknown'
        WHEN lower(copilot_public_code_suggestions) = 'block' THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
