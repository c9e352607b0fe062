-- id: wf-hardcoded-container-credentials
-- title: Literal password in container credentials
-- severity: high
-- platforms: github
-- description: A job or service container's registry credentials contain a plain password in the workflow file, readable by everyone with read access to the repository and kept in its history.
-- remediation: Reference a secret (password set to the secrets context) and rotate the exposed password.
-- tactics: credential-access
-- references: zizmor hardcoded-container-credentials
SELECT
    'job' AS resource_type,
    org || '/' || repo || ':' || coalesce(path, '') || '#' || coalesce(job_id, '') AS resource,
    CASE WHEN container_password_literal THEN 'container credentials carry a literal password'
         ELSE 'container credentials come from secrets (or none)' END AS reason,
    CASE WHEN container_password_literal THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, repo,
    path, coalesce(key_lines['container'], key_lines['services'], line) AS line
FROM pipeline_jobs
WHERE platform = 'github' AND (container_image IS NOT NULL OR coalesce(cardinality(services), 0) > 0 OR container_password_literal IS NOT NULL)
