-- id: wf-insecure-commands
-- title: ACTIONS_ALLOW_UNSECURE_COMMANDS is enabled
-- severity: high
-- platforms: github
-- description: Re-enables the deprecated set-env and add-path workflow commands, so anything a step prints to its log (e.g. attacker-controlled text) can set environment variables or PATH for later steps.
-- remediation: Remove ACTIONS_ALLOW_UNSECURE_COMMANDS and write to $GITHUB_ENV / $GITHUB_PATH files instead.
-- tactics: execution, privilege-escalation
-- references: zizmor insecure-commands
WITH flags AS (
    SELECT platform, host, org, repo, path, 'workflow env' AS level, key_lines['env'] AS line
    FROM pipelines WHERE lower(coalesce(env['ACTIONS_ALLOW_UNSECURE_COMMANDS'], '')) IN ('true', '1', 'yes')
    UNION ALL
    SELECT platform, host, org, repo, path, 'job ' || job_id AS level, coalesce(key_lines['env'], line) AS line
    FROM pipeline_jobs WHERE lower(coalesce(env['ACTIONS_ALLOW_UNSECURE_COMMANDS'], '')) IN ('true', '1', 'yes')
    UNION ALL
    SELECT platform, host, org, repo, path, 'step ' || job_id || '[' || CAST(step_index AS VARCHAR) || ']' AS level,
           coalesce(key_lines['env'], line) AS line
    FROM pipeline_steps WHERE lower(coalesce(env['ACTIONS_ALLOW_UNSECURE_COMMANDS'], '')) IN ('true', '1', 'yes')
),
agg AS (
    SELECT platform, host, org, repo, path, array_to_string(array_sort(array_agg(level)), ', ') AS levels,
           min(line) AS line
    FROM flags GROUP BY platform, host, org, repo, path
)
SELECT
    'workflow' AS resource_type,
    p.org || '/' || p.repo || ':' || p.path AS resource,
    CASE WHEN a.levels IS NOT NULL THEN 'ACTIONS_ALLOW_UNSECURE_COMMANDS enabled in ' || a.levels
         ELSE 'insecure workflow commands are not enabled' END AS reason,
    CASE WHEN a.levels IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
    p.platform, p.host, p.org, p.repo,
    p.path, coalesce(a.line, p.key_lines['env'], p.line) AS line
FROM pipelines p
LEFT JOIN agg a ON a.platform = p.platform AND a.host = p.host AND a.org = p.org AND a.repo = p.repo AND a.path = p.path
WHERE p.platform = 'github' AND p.kind = 'github_workflow'
