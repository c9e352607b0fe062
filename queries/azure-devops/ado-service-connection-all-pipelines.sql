-- id: ado-service-connection-all-pipelines
-- title: Service connection is authorised for all pipelines
-- severity: high
-- platforms: azure_devops
-- description: Any pipeline in the project, including one a contributor creates on a new branch, can use the connection's credentials against the target (Azure subscription, registry, cluster).
-- remediation: Service connection > Security > Pipeline permissions: remove Open access and authorise only the pipelines that need it (add approvals and checks).
-- tactics: credential-access, privilege-escalation, lateral-movement
-- references: Defender: "Azure DevOps service connections shouldn't grant access to all pipelines"; CIS SSCS 2.3.7
SELECT
    'service_connection' AS resource_type,
    concat_ws('/', ra.org, ra.project, coalesce(ra.resource_name, ra.resource_id)) AS resource,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'pipeline permissions could not be read'
        WHEN ra.all_pipelines THEN 'service connection is open to all pipelines'
        ELSE 'service connection is authorised for ' || CAST(coalesce(cardinality(ra.authorized_pipelines), 0) AS VARCHAR) || ' selected pipeline(s)'
    END AS reason,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'unknown'
        WHEN ra.all_pipelines THEN 'fail'
        ELSE 'pass'
    END AS status,
    ra.platform, ra.host, ra.org, ra.project
FROM resource_authorizations ra
WHERE ra.platform = 'azure_devops' AND ra.resource_type = 'service_connection'
