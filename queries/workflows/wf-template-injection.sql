-- id: wf-template-injection
-- title: Attacker-controlled expression expanded into a script
-- severity: high
-- platforms: github, azure_devops, gitlab
-- description: An expression such as github.event.issue.title or github.head_ref is substituted into the script text before the shell runs, so a crafted title or branch name executes commands.
-- remediation: Pass the value through an environment variable (env: TITLE set to the expression) and use "$TITLE" in the script.
-- tactics: initial-access, execution
-- references: Scorecard Dangerous-Workflow; zizmor template-injection; GitHub docs "Security hardening: script injections"
SELECT
    'step' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(path, pipeline_id) || '#' || coalesce(job_id, '') || '[' || CAST(step_index AS VARCHAR) || ']' AS resource,
    CASE
        WHEN coalesce(cardinality(untrusted_inputs), 0) > 0 THEN 'expands ' || array_to_string(untrusted_inputs, ', ') || ' into the script'
        ELSE 'no attacker-controlled expression in the script'
    END AS reason,
    CASE WHEN coalesce(cardinality(untrusted_inputs), 0) > 0 THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, project, repo,
    path,
    -- where the first untrusted expression starts, else the script
    coalesce(untrusted_input_positions[1]['line'],
             key_lines['run'], key_lines['script'], key_lines['bash'], key_lines['pwsh'], key_lines['powershell'],
             key_lines['inputs'], key_lines['with'], line) AS line,
    untrusted_input_positions[1]['column'] AS "column"
FROM pipeline_steps
WHERE script IS NOT NULL OR coalesce(cardinality(untrusted_inputs), 0) > 0
