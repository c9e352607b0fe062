-- id: ado-variable-group-all-pipelines
-- title: Variable group with secrets is authorised for all pipelines
-- severity: high
-- platforms: azure_devops
-- description: Any YAML pipeline in the project can reference the group and read its secret variables, e.g. by echoing them to an external host.
-- remediation: Library > (variable group) > Pipeline permissions: remove Open access and authorise only the pipelines that need it; link secrets from Key Vault.
-- tactics: credential-access, privilege-escalation, lateral-movement
-- references: Defender: "Azure DevOps variable groups with secret variables shouldn't grant access to all pipelines"
SELECT
    'variable_group' AS resource_type,
    concat_ws('/', ra.org, ra.project, coalesce(ra.resource_name, ra.resource_id)) AS resource,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'pipeline permissions could not be read'
        WHEN ra.all_pipelines THEN 'variable group with secrets is open to all pipelines'
        ELSE 'variable group with secrets is authorised for ' || CAST(coalesce(cardinality(ra.authorized_pipelines), 0) AS VARCHAR) || ' selected pipeline(s)'
    END AS reason,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'unknown'
        WHEN ra.all_pipelines THEN 'fail'
        ELSE 'pass'
    END AS status,
    ra.platform, ra.host, ra.org, ra.project
FROM resource_authorizations ra
WHERE ra.platform = 'azure_devops' AND ra.resource_type = 'variable_group'
  AND EXISTS (
      SELECT 1 FROM secrets s
      WHERE s.platform = ra.platform AND s.host = ra.host AND s.org = ra.org
        AND coalesce(s.project, '') = coalesce(ra.project, '') AND s.scope = 'variable_group'
        AND (s.container_id = ra.resource_id OR s.container = ra.resource_name))
