-- id: gh-org-web-commit-signoff
-- title: Web commit sign-off is not required
-- severity: low
-- platforms: github
-- description: Commits made in the web editor carry no Developer Certificate of Origin sign-off, so authorship of browser edits is weaker to attest.
-- remediation: Organisation settings > Repository > Require contributors to sign off on web-based commits.
-- tactics: defense-evasion
-- references: GitHub docs "Managing the commit signoff policy for your organization"
SELECT
    'org' AS resource_type,
    org AS resource,
    CASE
        WHEN web_commit_signoff_required IS NULL THEN 'sign-off policy could not be read'
        WHEN web_commit_signoff_required THEN 'web commits must be signed off'
        ELSE 'web commits need no sign-off'
    END AS reason,
    CASE
        WHEN web_commit_signoff_required IS NULL THEN 'unknown'
        WHEN web_commit_signoff_required THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM orgs
WHERE platform = 'github'
