-- id: repo-branch-deletion-allowed
-- title: The default branch can be deleted
-- severity: medium
-- platforms: github
-- description: Anyone who can push to the default branch can delete it, losing history and breaking every pipeline that builds from it.
-- remediation: Enable Restrict deletions in a ruleset on the default branch (or untick Allow deletions in classic protection).
-- tactics: impact
-- references: CIS SSCS 1.1.17; Scorecard Branch-Protection
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) AS policies,
           bool_or(allow_deletions = false) AS blocked,
           bool_or(allow_deletions) AS allowed
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.blocked THEN 'deletion is blocked'
        WHEN p.allowed THEN 'the default branch can be deleted'
        ELSE 'deletion setting could not be read'
    END AS reason,
    CASE
        WHEN p.policies IS NULL THEN 'fail'
        WHEN p.blocked THEN 'pass'
        WHEN p.allowed THEN 'fail'
        ELSE 'unknown'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
WHERE r.platform IN ('github')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
