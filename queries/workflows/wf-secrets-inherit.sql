-- id: wf-secrets-inherit
-- title: Reusable workflow called with secrets inherit
-- severity: medium
-- platforms: github
-- description: `secrets: inherit` passes every secret the caller can see to the called workflow, instead of only the ones it needs.
-- remediation: Replace `secrets: inherit` with an explicit `secrets:` map naming only the secrets the reusable workflow declares.
-- tactics: credential-access, lateral-movement
-- references: zizmor secrets-inherit
SELECT
    'job' AS resource_type,
    org || '/' || repo || ':' || coalesce(path, '') || '#' || coalesce(job_id, '') AS resource,
    CASE WHEN secrets_inherit THEN 'calls ' || reusable_workflow || ' with secrets: inherit'
         ELSE 'calls ' || reusable_workflow || ' with explicit secrets' END AS reason,
    CASE WHEN secrets_inherit THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, repo,
    path, coalesce(key_lines['secrets'], key_lines['uses'], line) AS line
FROM pipeline_jobs
WHERE platform = 'github' AND reusable_workflow IS NOT NULL
