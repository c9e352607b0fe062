-- id: wf-debug-variable
-- title: Debug logging variable is set for pipelines
-- severity: low
-- platforms: github, azure_devops
-- description: A repository, organisation or variable-group variable ACTIONS_STEP_DEBUG / ACTIONS_RUNNER_DEBUG or system.debug set to true makes every run log far more (environment, expressions, internal state), which widens what leaks into build logs.
-- remediation: Delete the debug variable from the repository, organisation or variable group (set them only for a one-off re-run with debug logging when troubleshooting).
-- tactics: credential-access, exfiltration
-- references: GitHub docs "Enabling debug logging"; Azure DevOps docs "Review logs to diagnose pipeline issues"
WITH vars AS (
    SELECT 'variable' AS resource_type,
        concat_ws('/', org, project, repo) || ':' || coalesce(scope, '') || ':' || coalesce(container || '/', '') || name AS resource,
        lower(coalesce(value, '')) IN ('true', '1') AS on_, name AS what,
        platform, host, org, project, repo
    FROM variables
    WHERE lower(name) IN ('actions_step_debug', 'actions_runner_debug', 'system.debug')
)
SELECT resource_type, resource,
    CASE WHEN on_ THEN what || ' is set to true' ELSE what || ' is off' END AS reason,
    CASE WHEN on_ THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, project, repo
FROM vars
