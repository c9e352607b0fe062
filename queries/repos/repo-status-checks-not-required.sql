-- id: repo-status-checks-not-required
-- title: No status checks or build validation required on the default branch
-- severity: medium
-- platforms: github, azure_devops
-- description: Changes can merge without CI (tests, scanners, builds) having passed.
-- remediation: Add required status checks to the default branch's ruleset or protection (GitHub), or a build validation policy (Azure Repos).
-- tactics: impact, defense-evasion
-- references: CIS SSCS 1.1.9; Scorecard Branch-Protection; Legitify requires_status_checks
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) AS policies,
           max(coalesce(cardinality(required_status_checks), 0)) AS checks,
           bool_or(required_status_checks IS NOT NULL) AS known
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.checks > 0 THEN CAST(p.checks AS VARCHAR) || ' required check(s)'
        WHEN p.known THEN 'no required status checks'
        ELSE 'no required status checks (or not readable)'
    END AS reason,
    CASE
        WHEN p.policies IS NULL THEN 'fail'
        WHEN p.checks > 0 THEN 'pass'
        ELSE 'fail'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
