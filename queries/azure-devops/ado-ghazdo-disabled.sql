-- id: ado-ghazdo-disabled
-- title: GitHub Advanced Security for Azure DevOps is not enabled
-- severity: high
-- platforms: azure_devops
-- description: The repository gets no secret, dependency or code scanning alerts, and pushes containing secrets are not blocked.
-- remediation: Project settings > Repositories > (repository) > Settings: enable Advanced Security (or enable it for the whole project/organisation).
-- tactics: credential-access, initial-access
-- references: Defender: "Azure DevOps repositories should have GitHub Advanced Security for Azure DevOps (GHAzDO) enabled"
SELECT
    'repository' AS resource_type,
    concat_ws('/', org, project, repo) AS resource,
    CASE
        WHEN advanced_security IS NULL THEN 'GitHub Advanced Security for Azure DevOps setting could not be read'
        WHEN advanced_security THEN 'GitHub Advanced Security for Azure DevOps is enabled'
        ELSE 'GitHub Advanced Security for Azure DevOps is disabled'
    END AS reason,
    CASE
        WHEN advanced_security IS NULL THEN 'unknown'
        WHEN advanced_security THEN 'pass'
        ELSE 'fail'
    END AS status,
    platform, host, org, project, repo
FROM repositories
WHERE platform = 'azure_devops'
  AND coalesce(is_archived, false) = false AND coalesce(is_disabled, false) = false
