-- id: ado-service-connection-shared
-- title: Service connection is shared across projects
-- severity: medium
-- platforms: azure_devops
-- description: Pipelines of other projects (with their own admins, contributors and policies) can use the same credentials.
-- remediation: Stop sharing the connection; create a separate connection per project with its own least-privilege identity.
-- tactics: lateral-movement, privilege-escalation
-- references: Azure DevOps docs "Share service connections across projects"
SELECT
    'service_connection' AS resource_type,
    concat_ws('/', org, project, coalesce(name, connection_id)) AS resource,
    CASE
        WHEN is_shared IS NULL AND shared_projects IS NULL THEN 'sharing could not be read'
        WHEN is_shared OR coalesce(cardinality(shared_projects), 0) > 1 THEN
            'shared with ' || coalesce(array_to_string(shared_projects, ', '), 'other projects')
        ELSE 'used by one project only'
    END AS reason,
    CASE
        WHEN is_shared IS NULL AND shared_projects IS NULL THEN 'unknown'
        WHEN is_shared OR coalesce(cardinality(shared_projects), 0) > 1 THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project
FROM service_connections
WHERE platform = 'azure_devops'
