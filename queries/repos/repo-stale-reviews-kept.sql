-- id: repo-stale-reviews-kept
-- title: Approvals survive new pushes to the pull request
-- severity: medium
-- platforms: github, azure_devops
-- description: An approved pull request can receive new commits that nobody reviews before merge.
-- remediation: Enable Dismiss stale pull request approvals (GitHub) or Reset code reviewer votes when there are new changes (Azure Repos), or require approval of the most recent push.
-- tactics: initial-access, defense-evasion
-- references: CIS SSCS 1.1.4; Scorecard Branch-Protection; Legitify repository_dismiss_stale_reviews
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) AS policies,
           bool_or(dismiss_stale_reviews OR require_last_push_approval) AS protected,
           bool_or(dismiss_stale_reviews IS NOT NULL OR require_last_push_approval IS NOT NULL) AS known
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.protected THEN 'new pushes dismiss approvals or need re-approval'
        WHEN p.known THEN 'approvals are kept after new pushes'
        ELSE 'review settings could not be read'
    END AS reason,
    CASE
        WHEN p.policies IS NULL THEN 'fail'
        WHEN p.protected THEN 'pass'
        WHEN p.known THEN 'fail'
        ELSE 'unknown'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
