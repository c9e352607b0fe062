-- id: gh-runner-group-all-repos
-- title: Self-hosted runner group is not limited to selected repositories
-- severity: medium
-- platforms: github
-- description: Every repository in the organisation (and so every member with write access anywhere) can run jobs on these runners.
-- remediation: Organisation settings > Actions > Runner groups: set Repository access to Selected repositories (and restrict to selected workflows).
-- tactics: execution, lateral-movement
-- references: Legitify runner_group_not_limited_to_selected_repositories
SELECT
    'runner_group' AS resource_type,
    org || ':' || name AS resource,
    CASE
        WHEN visibility IS NULL THEN 'runner group access could not be read'
        ELSE 'repository access: ' || visibility
    END AS reason,
    CASE
        WHEN visibility IS NULL THEN 'unknown'
        WHEN visibility = 'selected' THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org
FROM runner_groups
WHERE platform = 'github' AND coalesce(is_hosted, false) = false
