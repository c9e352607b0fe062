-- id: repo-codeowners-not-enforced
-- title: Code-owner review is not enforced
-- severity: medium
-- platforms: github
-- description: Changes to sensitive paths (workflows, infrastructure, auth code) can merge without review by the people who own them.
-- remediation: Add a CODEOWNERS file and enable Require review from Code Owners in the default branch's ruleset or protection.
-- tactics: initial-access, defense-evasion
-- references: CIS SSCS 1.1.6; Scorecard Code-Review; Legitify code_owners_review_not_required
WITH pol AS (
    SELECT platform, host, org, repo,
           bool_or(require_code_owner_review) AS required
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE
        WHEN r.has_codeowners = false THEN 'no CODEOWNERS file'
        WHEN coalesce(p.required, false) = false THEN 'code-owner review is not required on the default branch'
        WHEN r.has_codeowners IS NULL THEN 'code-owner review required; CODEOWNERS presence unknown'
        ELSE 'CODEOWNERS present and code-owner review required'
    END AS reason,
    CASE
        WHEN r.has_codeowners = false THEN 'fail'
        WHEN coalesce(p.required, false) = false THEN 'fail'
        WHEN r.has_codeowners IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org AND p.repo = r.repo
WHERE r.platform = 'github'
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
