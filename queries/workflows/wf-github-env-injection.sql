-- id: wf-github-env-injection
-- title: Untrusted data written to GITHUB_ENV or GITHUB_PATH
-- severity: high
-- platforms: github
-- description: A step writes to $GITHUB_ENV / $GITHUB_PATH in a workflow that handles attacker-controlled input (privileged trigger or untrusted expressions); injected variables such as LD_PRELOAD or NODE_OPTIONS, or a PATH entry, take over every later step.
-- remediation: Do not write untrusted values to GITHUB_ENV/GITHUB_PATH; use step outputs with strict validation instead.
-- tactics: execution, privilege-escalation
-- references: zizmor github-env; GitHub Security Lab "GitHub Actions: environment variable injection"
SELECT
    'step' AS resource_type,
    s.org || '/' || s.repo || ':' || s.path || '#' || coalesce(s.job_id, '') || '[' || CAST(s.step_index AS VARCHAR) || ']' AS resource,
    CASE
        WHEN coalesce(cardinality(s.untrusted_inputs), 0) > 0 THEN 'writes ' || array_to_string(s.untrusted_inputs, ', ') || ' to GITHUB_ENV/GITHUB_PATH'
        WHEN array_has(p.triggers, 'pull_request_target') OR array_has(p.triggers, 'workflow_run') THEN
            'writes to GITHUB_ENV/GITHUB_PATH in a workflow triggered by ' || array_to_string(p.triggers, ', ')
        ELSE 'writes to GITHUB_ENV/GITHUB_PATH from trusted data only'
    END AS reason,
    CASE
        WHEN coalesce(cardinality(s.untrusted_inputs), 0) > 0 THEN 'fail'
        WHEN array_has(p.triggers, 'pull_request_target') OR array_has(p.triggers, 'workflow_run') THEN 'fail'
        ELSE 'pass'
    END AS status,
    s.platform, s.host, s.org, s.repo,
    s.path,
    -- the first untrusted expression, else the script
    coalesce(s.untrusted_input_positions[1]['line'], s.key_lines['run'], s.key_lines['with'], s.line) AS line,
    CASE WHEN s.untrusted_input_positions[1]['line'] IS NOT NULL THEN s.untrusted_input_positions[1]['column'] END AS "column"
FROM pipeline_steps s
LEFT JOIN pipelines p ON p.platform = s.platform AND p.host = s.host AND p.org = s.org AND p.repo = s.repo AND p.path = s.path
WHERE s.platform = 'github' AND regexp_like(coalesce(s.script, ''), 'GITHUB_(ENV|PATH)')
