-- id: wf-secrets-to-json
-- title: toJSON(secrets) exposes every secret
-- severity: medium
-- platforms: github
-- description: A job serialises the whole secrets context, handing every repository, organisation and environment secret to one step.
-- remediation: Reference only the secrets the step needs (secrets.NAME) instead of toJSON(secrets).
-- tactics: credential-access
-- references: zizmor overprovisioned-secrets
SELECT
    'job' AS resource_type,
    org || '/' || repo || ':' || coalesce(path, '') || '#' || coalesce(job_id, '') AS resource,
    CASE WHEN array_has(secrets_referenced, '*') THEN 'serialises the whole secrets context'
         ELSE 'references ' || CAST(coalesce(cardinality(secrets_referenced), 0) AS VARCHAR) || ' named secret(s)' END AS reason,
    CASE WHEN array_has(secrets_referenced, '*') THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, repo
FROM pipeline_jobs
WHERE platform = 'github' AND secrets_referenced IS NOT NULL
