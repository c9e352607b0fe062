-- id: ado-service-connection-secret-auth
-- title: Azure service connection uses a client secret instead of workload identity federation
-- severity: medium
-- platforms: azure_devops
-- description: A service-principal secret stored in Azure DevOps is long-lived, must be rotated by hand, and can be extracted by any pipeline authorised to use the connection.
-- remediation: Convert the Azure Resource Manager connection to workload identity federation (Convert in the connection's page), or use a managed identity.
-- tactics: credential-access, persistence
-- references: Azure DevOps docs "Use workload identity federation for Azure Resource Manager service connections"
SELECT
    'service_connection' AS resource_type,
    concat_ws('/', org, project, coalesce(name, connection_id)) AS resource,
    CASE
        WHEN auth_scheme IS NULL THEN 'authorization scheme could not be read'
        ELSE 'authorization scheme: ' || auth_scheme
    END AS reason,
    CASE
        WHEN auth_scheme IS NULL THEN 'unknown'
        WHEN lower(auth_scheme) IN ('workloadidentityfederation', 'managedserviceidentity') THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, project
FROM service_connections
WHERE platform = 'azure_devops' AND lower("type") = 'azurerm'
