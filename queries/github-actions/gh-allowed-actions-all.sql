-- id: gh-allowed-actions-all
-- title: All actions and reusable workflows are allowed
-- severity: medium
-- platforms: github
-- description: Workflows may run any action from any author, so a typo-squatted or hijacked third-party action runs with the workflow's token and secrets.
-- remediation: Organisation settings > Actions > General > Policies: Allow enterprise (or local) actions and select non-enterprise actions,
--   listing the vetted ones.
-- tactics: initial-access, execution
-- references: Legitify all_github_actions_are_allowed; CIS SSCS 2.4.2
SELECT
    CASE WHEN scope = 'org' THEN 'org' ELSE 'repository' END AS resource_type,
    CASE WHEN scope = 'org' THEN org ELSE org || '/' || repo END AS resource,
    CASE
        WHEN actions_enabled = false THEN 'GitHub Actions is disabled'
        WHEN allowed_actions IS NULL THEN 'allowed-actions policy could not be read'
        ELSE 'allowed actions: ' || allowed_actions
    END AS reason,
    CASE
        WHEN actions_enabled = false THEN 'pass'
        WHEN allowed_actions IS NULL THEN 'unknown'
        WHEN lower(allowed_actions) = 'all' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, repo
FROM pipeline_settings
WHERE platform = 'github' AND scope IN ('org', 'repo')
