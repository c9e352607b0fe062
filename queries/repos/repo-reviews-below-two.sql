-- id: repo-reviews-below-two
-- title: Fewer than two approvals are required on the default branch
-- severity: high
-- platforms: github, azure_devops
-- description: A single compromised or careless reviewer is enough to merge a change into the default branch.
-- remediation: Require at least 2 approving reviews in the default branch's ruleset, classic protection or Minimum number of reviewers policy.
-- tactics: initial-access, impact
-- references: Defender: "(Preview) GitHub repositories should require minimum two-reviewer approval for code pushes"; Defender: "(Preview) Azure DevOps repositories should require minimum two-reviewer approval for code pushes"; CIS SSCS 1.1.3; Scorecard Code-Review
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) AS policies,
           max(required_approvals) AS approvals
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.approvals IS NULL THEN 'required approvals could not be read'
        ELSE CAST(p.approvals AS VARCHAR) || ' approval(s) required'
    END AS reason,
    CASE
        WHEN p.policies IS NULL THEN 'fail'
        WHEN p.approvals IS NULL THEN 'unknown'
        WHEN p.approvals < 2 THEN 'fail'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
