-- id: wf-secrets-to-json
-- title: toJSON(secrets) exposes every secret
-- severity: medium
-- platforms: github
-- description: A job serialises the whole secrets context (toJSON(secrets)) or indexes it with an expression (secrets[...]), handing every repository, organisation and environment secret to one step.
-- remediation: Reference only the secrets the step needs (secrets.NAME) instead of toJSON(secrets).
-- tactics: credential-access
-- references: zizmor overprovisioned-secrets
WITH step_text AS (
    SELECT platform, host, org, repo, path, job_id, line, key_lines,
           coalesce(script, '') AS script_text,
           coalesce(array_to_string(map_values(env), ' '), '') AS env_text,
           coalesce(array_to_string(map_values("with"), ' '), '') AS with_text
    FROM pipeline_steps
    WHERE platform = 'github'
),
dumps AS (
    -- the first step that serialises the secrets context: its script, env or inputs
    SELECT platform, host, org, repo, path, job_id,
        min(CASE
            WHEN regexp_like(script_text, 'tojson\(\s*secrets\s*\)|secrets\s*\[', 'i') THEN coalesce(key_lines['run'], key_lines['with'], line)
            WHEN regexp_like(env_text, 'tojson\(\s*secrets\s*\)|secrets\s*\[', 'i') THEN coalesce(key_lines['env'], line)
            WHEN regexp_like(with_text, 'tojson\(\s*secrets\s*\)|secrets\s*\[', 'i') THEN coalesce(key_lines['with'], line)
        END) AS line
    FROM step_text
    -- toJSON(secrets), or secrets[...] indexed by an expression: both expose the whole context
    WHERE script_text ILIKE '%secrets%' OR env_text ILIKE '%secrets%' OR with_text ILIKE '%secrets%'
    GROUP BY platform, host, org, repo, path, job_id
)
SELECT
    'job' AS resource_type,
    j.org || '/' || j.repo || ':' || coalesce(j.path, '') || '#' || coalesce(j.job_id, '') AS resource,
    CASE WHEN array_has(j.secrets_referenced, '*') THEN 'serialises the whole secrets context'
         ELSE 'references ' || CAST(coalesce(cardinality(j.secrets_referenced), 0) AS VARCHAR) || ' named secret(s)' END AS reason,
    CASE WHEN array_has(j.secrets_referenced, '*') THEN 'fail' ELSE 'pass' END AS status,
    j.platform, j.host, j.org, j.repo,
    j.path,
    coalesce(
        CASE WHEN regexp_like(coalesce(array_to_string(map_values(j.env), ' '), ''), 'tojson\(\s*secrets\s*\)|secrets\s*\[', 'i') THEN j.key_lines['env'] END,
        d.line, j.line
    ) AS line
FROM pipeline_jobs j
LEFT JOIN dumps d ON d.platform = j.platform AND d.host = j.host AND d.org = j.org AND d.repo = j.repo
    AND d.path = j.path AND d.job_id = j.job_id
WHERE j.platform = 'github' AND j.secrets_referenced IS NOT NULL
