-- id: ado-job-auth-scope-collection
-- title: Pipeline job token is scoped to the whole organisation
-- severity: medium
-- platforms: azure_devops
-- description: With collection scope, the job's System.AccessToken can read (and often write) repositories, feeds and pipelines in every project of the organisation.
-- remediation: Enable Limit job authorization scope to current project for non-release (and release) pipelines in organisation or project pipeline settings.
-- tactics: lateral-movement, privilege-escalation
-- references: Azure DevOps docs "Job authorization scope"; CIS SSCS 2.3.6
WITH enforced AS (
    SELECT platform, host, org, coalesce(project, '') AS project
    FROM pipeline_settings
    WHERE platform = 'azure_devops' AND enforce_job_auth_scope = true
)
SELECT
    'pipeline' AS resource_type,
    concat_ws('/', p.org, p.project, coalesce(p.name, p.pipeline_id)) AS resource,
    CASE
        WHEN (eo.org IS NOT NULL OR ep.org IS NOT NULL)
            THEN 'job scope limited to the project by pipeline settings'
        WHEN p.job_auth_scope IS NULL THEN 'job authorization scope could not be read'
        ELSE 'job authorization scope: ' || p.job_auth_scope
    END AS reason,
    CASE
        WHEN (eo.org IS NOT NULL OR ep.org IS NOT NULL)
            THEN 'pass'
        WHEN p.job_auth_scope IS NULL THEN 'unknown'
        WHEN lower(p.job_auth_scope) = 'collection' THEN 'fail'
        ELSE 'pass'
    END AS status,
    p.platform, p.host, p.org, p.project, p.repo,
    p.path, p.line
FROM pipelines p
LEFT JOIN (SELECT DISTINCT platform, host, org FROM enforced WHERE project = '') eo
    ON eo.platform = p.platform AND eo.host = p.host AND eo.org = p.org
LEFT JOIN (SELECT DISTINCT platform, host, org, project FROM enforced WHERE project <> '') ep
    ON ep.platform = p.platform AND ep.host = p.host AND ep.org = p.org AND ep.project = coalesce(p.project, '')
WHERE p.platform = 'azure_devops' AND p.kind IN ('azure_yaml', 'azure_classic')
