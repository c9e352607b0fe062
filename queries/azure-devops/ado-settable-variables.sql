-- id: ado-settable-variables
-- title: Queue-time variables are not limited to those marked settable
-- severity: medium
-- platforms: azure_devops
-- description: Anyone who can queue a build can override any pipeline variable at queue time, e.g. to change a script path, an image or a target.
-- remediation: Organisation (or project) settings > Pipelines > Settings: enable Limit variables that can be set at queue time.
-- tactics: execution, privilege-escalation
-- references: Azure DevOps docs "Pipeline settings: Limit variables that can be set at queue time"
WITH org_s AS (
    SELECT platform, host, org, bool_or(enforce_settable_var) AS enforced
    FROM pipeline_settings
    WHERE platform = 'azure_devops' AND scope = 'org'
    GROUP BY platform, host, org
)
SELECT
    'org' AS resource_type, org AS resource,
    CASE
        WHEN enforced IS NULL THEN 'organisation pipeline settings could not be read'
        WHEN enforced THEN 'only settable variables can be set at queue time (organisation)'
        ELSE 'any variable can be set at queue time (organisation setting)'
    END AS reason,
    CASE WHEN enforced IS NULL THEN 'unknown' WHEN enforced THEN 'pass' ELSE 'fail' END AS status,
    platform, host, org, CAST(NULL AS VARCHAR) AS project
FROM org_s
UNION ALL
SELECT
    'project' AS resource_type, ps.org || '/' || ps.project AS resource,
    CASE
        WHEN o.enforced THEN 'limited by the organisation setting'
        WHEN ps.enforce_settable_var THEN 'only settable variables can be set at queue time'
        WHEN ps.enforce_settable_var IS NULL THEN 'project pipeline settings could not be read'
        ELSE 'any variable can be set at queue time'
    END AS reason,
    CASE
        WHEN o.enforced OR ps.enforce_settable_var THEN 'pass'
        WHEN ps.enforce_settable_var IS NULL THEN 'unknown'
        ELSE 'fail'
    END AS status,
    ps.platform, ps.host, ps.org, ps.project
FROM pipeline_settings ps
LEFT JOIN org_s o ON o.platform = ps.platform AND o.host = ps.host AND o.org = ps.org
WHERE ps.platform = 'azure_devops' AND ps.scope = 'project'
