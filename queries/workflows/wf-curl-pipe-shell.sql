-- id: wf-curl-pipe-shell
-- title: Remote script piped into a shell
-- severity: low
-- platforms: github, azure_devops, gitlab
-- description: A step downloads a script and executes it unverified (curl ... | sh, iex (iwr ...)); whoever controls that URL, or the network path to it, runs code in the pipeline.
-- remediation: Download to a file, verify a pinned checksum or signature, then run it; or use a pinned package or action instead.
-- tactics: initial-access, execution
-- references: Scorecard Pinned-Dependencies (downloadThenRun)
SELECT
    'step' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(path, pipeline_id) || '#' || coalesce(job_id, '') || '[' || CAST(step_index AS VARCHAR) || ']' AS resource,
    CASE
        WHEN regexp_like(script, '(curl|wget)[^|\n]*\|\s*(sudo\s+)?(-E\s+)?(ba|z|da|k)?sh\b|(curl|wget)[^|\n]*\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b|(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)[^\n]*\|\s*iex|iex\s*\(\s*(iwr|irm|new-object|invoke-webrequest|invoke-restmethod)', 'i')
            THEN 'pipes a downloaded script into an interpreter'
        ELSE 'no download piped into a shell'
    END AS reason,
    CASE
        WHEN regexp_like(script, '(curl|wget)[^|\n]*\|\s*(sudo\s+)?(-E\s+)?(ba|z|da|k)?sh\b|(curl|wget)[^|\n]*\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b|(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)[^\n]*\|\s*iex|iex\s*\(\s*(iwr|irm|new-object|invoke-webrequest|invoke-restmethod)', 'i')
            THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo,
    path,
    coalesce(key_lines['run'], key_lines['script'], key_lines['bash'], key_lines['pwsh'], key_lines['powershell'],
             key_lines['inputs'], key_lines['with'], line) AS line
FROM pipeline_steps
WHERE script IS NOT NULL
