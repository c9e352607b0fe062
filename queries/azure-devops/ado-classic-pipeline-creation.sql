-- id: ado-classic-pipeline-creation
-- title: Creation of classic pipelines is not disabled
-- severity: high
-- platforms: azure_devops
-- description: Classic build and release pipelines are edited in the UI without code review or history in the repository, and share service connections with YAML pipelines.
-- remediation: Organisation settings (or Project settings) > Pipelines > Settings: enable Disable creation of classic build pipelines and classic release pipelines.
-- tactics: persistence, defense-evasion
-- references: Defender: "(Preview) Azure DevOps projects should have creation of classic pipelines disabled"
WITH org_s AS (
    SELECT platform, host, org, bool_or(disable_classic_pipeline_creation) AS disabled
    FROM pipeline_settings
    WHERE platform = 'azure_devops' AND scope = 'org'
    GROUP BY platform, host, org
)
SELECT
    'org' AS resource_type, org AS resource,
    CASE
        WHEN disabled IS NULL THEN 'organisation pipeline settings could not be read'
        WHEN disabled THEN 'classic pipeline creation is disabled for the organisation'
        ELSE 'classic pipelines can be created (organisation setting)'
    END AS reason,
    CASE WHEN disabled IS NULL THEN 'unknown' WHEN disabled THEN 'pass' ELSE 'fail' END AS status,
    platform, host, org, CAST(NULL AS VARCHAR) AS project
FROM org_s
UNION ALL
SELECT
    'project' AS resource_type, ps.org || '/' || ps.project AS resource,
    CASE
        WHEN o.disabled THEN 'disabled by the organisation setting'
        WHEN ps.disable_classic_pipeline_creation THEN 'classic pipeline creation is disabled for the project'
        WHEN ps.disable_classic_pipeline_creation IS NULL THEN 'project pipeline settings could not be read'
        ELSE 'classic pipelines can be created in the project'
    END AS reason,
    CASE
        WHEN o.disabled OR ps.disable_classic_pipeline_creation THEN 'pass'
        WHEN ps.disable_classic_pipeline_creation IS NULL THEN 'unknown'
        ELSE 'fail'
    END AS status,
    ps.platform, ps.host, ps.org, ps.project
FROM pipeline_settings ps
LEFT JOIN org_s o ON o.platform = ps.platform AND o.host = ps.host AND o.org = ps.org
WHERE ps.platform = 'azure_devops' AND ps.scope = 'project'
