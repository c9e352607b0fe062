-- id: repo-self-approval-allowed
-- title: Pull-request authors can approve their own changes
-- severity: high
-- platforms: azure_devops
-- description: The minimum-reviewers policy counts the author's own vote, so one person can push and approve a change to the default branch.
-- remediation: Branch policies of the default branch > Require a minimum number of reviewers: untick Allow requestors to approve their own changes.
-- tactics: initial-access, defense-evasion
-- references: Defender: "(Preview) Azure DevOps repositories should not allow requestors to approve their own Pull Requests"; CIS SSCS 1.1.3
WITH pol AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           bool_or(allow_self_approval) AS self_ok,
           bool_or(allow_self_approval = false) AS self_blocked
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
      AND coalesce(required_approvals, 0) >= 1
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN p.repo IS NULL THEN 'no minimum-reviewers policy on the default branch'
        WHEN p.self_ok THEN 'the author''s own approval counts'
        WHEN p.self_blocked THEN 'authors cannot approve their own pull requests'
        ELSE 'creator-vote setting could not be read'
    END AS reason,
    CASE
        WHEN p.repo IS NULL THEN 'fail'
        WHEN p.self_ok THEN 'fail'
        WHEN p.self_blocked THEN 'pass'
        ELSE 'unknown'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org
    AND p.project = coalesce(r.project, '') AND p.repo = r.repo
WHERE r.platform = 'azure_devops'
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
