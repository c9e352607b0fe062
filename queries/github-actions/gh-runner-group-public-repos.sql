-- id: gh-runner-group-public-repos
-- title: Self-hosted runner group is usable by public repositories
-- severity: high
-- platforms: github
-- description: Anyone on the internet can open a pull request whose workflow runs on these runners, executing arbitrary code inside the network.
-- remediation: Organisation settings > Actions > Runner groups: untick Allow public repositories (or use GitHub-hosted runners for public repositories).
-- tactics: initial-access, execution, lateral-movement
-- references: Legitify runner_group_can_be_used_by_public_repositories; zizmor self-hosted-runner
SELECT
    'runner_group' AS resource_type,
    org || ':' || name AS resource,
    CASE
        WHEN allows_public_repositories IS NULL THEN 'runner group settings could not be read'
        WHEN allows_public_repositories THEN 'public repositories may use this self-hosted runner group'
        ELSE 'public repositories cannot use this group'
    END AS reason,
    CASE
        WHEN allows_public_repositories IS NULL THEN 'unknown'
        WHEN allows_public_repositories THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org
FROM runner_groups
WHERE platform = 'github' AND coalesce(is_hosted, false) = false
