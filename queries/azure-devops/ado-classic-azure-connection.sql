-- id: ado-classic-azure-connection
-- title: Azure Classic service connection in use
-- severity: medium
-- platforms: azure_devops
-- description: Azure Classic (ASM) connections use management certificates or user credentials without Entra RBAC scoping, managed identities or workload identity federation.
-- remediation: Replace the connection with an Azure Resource Manager connection using workload identity federation, then delete the classic one.
-- tactics: credential-access, privilege-escalation
-- references: Defender: "Azure DevOps Classic Azure service connections shouldn't be used to access a subscription"
SELECT
    'service_connection' AS resource_type,
    concat_ws('/', org, project, coalesce(name, connection_id)) AS resource,
    'service connection type ' || "type" || coalesce(' (' || auth_scheme || ')', '') AS reason,
    CASE WHEN lower("type") = 'azure' THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, project
FROM service_connections
WHERE platform = 'azure_devops' AND lower("type") IN ('azure', 'azurerm')
