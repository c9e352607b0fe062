-- id: repo-force-push-allowed
-- title: Force pushes are allowed on the default branch
-- severity: medium
-- platforms: github
-- description: Anyone who can push to the default branch can rewrite its history, removing reviewed commits or hiding malicious ones.
-- remediation: Enable Block force pushes in a ruleset on the default branch (or untick Allow force pushes in classic protection).
-- tactics: impact, defense-evasion
-- references: Defender: "GitHub repositories should have force pushes to default branch disabled"; CIS SSCS 1.1.16; Scorecard Branch-Protection
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) AS policies,
           bool_or(allow_force_pushes = false) AS blocked,
           bool_or(allow_force_pushes) AS allowed
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.blocked THEN 'force pushes are blocked'
        WHEN p.allowed THEN 'force pushes are allowed'
        ELSE 'force-push setting could not be read'
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
