-- id: repo-default-branch-unprotected
-- title: Default branch is not protected
-- severity: high
-- platforms: github, azure_devops
-- description: The default branch has no classic protection, no active ruleset and no branch policy, so anyone with write access can push directly, rewrite or delete it.
-- remediation: Add a ruleset (GitHub) or branch policies (Azure Repos) on the default branch requiring pull requests with reviews and status checks.
-- tactics: impact, defense-evasion
-- references: Defender: "GitHub repositories should have protection policies for default branch enabled"; CIS SSCS 1.1.1; Scorecard Branch-Protection
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           array_to_string(array_sort(array_agg(DISTINCT source)), ', ') AS sources
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, coalesce(project, ''), repo
),
err AS (
    SELECT DISTINCT platform, host, org, coalesce(project, '') AS project, repo
    FROM collection_errors
    WHERE table_name = 'branch_policies' AND repo IS NOT NULL
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.sources IS NOT NULL THEN 'default branch ' || coalesce(r.default_branch, '') || ' protected by ' || p.sources
        WHEN e.repo IS NOT NULL THEN 'branch protection could not be read'
        ELSE 'default branch ' || coalesce(r.default_branch, '') || ' has no active protection, ruleset or policy'
    END AS reason,
    CASE
        WHEN p.sources IS NOT NULL THEN 'pass'
        WHEN e.repo IS NOT NULL THEN 'unknown'
        ELSE 'fail'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
LEFT JOIN err e ON e.platform = r.platform AND e.host = r.host AND e.org = r.org
    AND e.project = coalesce(r.project, '') AND e.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
