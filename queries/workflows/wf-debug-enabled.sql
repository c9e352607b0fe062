-- id: wf-debug-enabled
-- title: Pipeline debug logging is enabled
-- severity: low
-- platforms: github, azure_devops
-- description: ACTIONS_STEP_DEBUG / ACTIONS_RUNNER_DEBUG or system.debug set in a workflow or pipeline file make runners log far more (environment, expressions, internal state), which widens what leaks into build logs.
-- remediation: Remove the debug variables (set them only for a one-off re-run with debug logging when troubleshooting).
-- tactics: credential-access, exfiltration
-- references: GitHub docs "Enabling debug logging"; Azure DevOps docs "Review logs to diagnose pipeline issues"
WITH envs AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo, path, 'pipeline' AS level, env,
           coalesce(key_lines['env'], key_lines['variables']) AS line
    FROM pipelines
    UNION ALL
    SELECT platform, host, org, coalesce(project, '') AS project, repo, path, 'job ' || job_id AS level, env,
           coalesce(key_lines['env'], key_lines['variables'], line) AS line
    FROM pipeline_jobs
    UNION ALL
    SELECT platform, host, org, coalesce(project, '') AS project, repo, path, 'step ' || job_id || '[' || CAST(step_index AS VARCHAR) || ']' AS level, env,
           coalesce(key_lines['env'], line) AS line
    FROM pipeline_steps
),
env_hits AS (
    SELECT platform, host, org, project, repo, path, array_to_string(array_sort(array_agg(level)), ', ') AS levels,
           min(line) AS line
    FROM envs
    WHERE lower(coalesce(env['ACTIONS_STEP_DEBUG'], '')) IN ('true', '1')
       OR lower(coalesce(env['ACTIONS_RUNNER_DEBUG'], '')) IN ('true', '1')
       OR lower(coalesce(env['system.debug'], env['System.Debug'], env['SYSTEM_DEBUG'], '')) IN ('true', '1')
    GROUP BY platform, host, org, project, repo, path
)
SELECT 'pipeline' AS resource_type,
    concat_ws('/', p.org, p.project, p.repo) || ':' || coalesce(p.path, p.name, p.pipeline_id) AS resource,
    CASE WHEN h.levels IS NOT NULL THEN 'debug logging enabled in ' || h.levels ELSE 'no debug logging variables set' END AS reason,
    CASE WHEN h.levels IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
    p.platform, p.host, p.org, p.project, p.repo,
    p.path, coalesce(h.line, p.key_lines['env'], p.key_lines['variables'], p.line) AS line
FROM pipelines p
LEFT JOIN env_hits h ON h.platform = p.platform AND h.host = p.host AND h.org = p.org
    AND h.project = coalesce(p.project, '') AND coalesce(h.repo, '') = coalesce(p.repo, '') AND coalesce(h.path, '') = coalesce(p.path, '')
WHERE p.platform IN ('github', 'azure_devops')
