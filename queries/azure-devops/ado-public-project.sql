-- id: ado-public-project
-- title: Azure DevOps project is public
-- severity: high
-- platforms: azure_devops
-- description: Anyone on the internet can read the project's repositories, pipelines, build logs and work items.
-- remediation: Project settings > Overview > Visibility: Private (and disable Allow public projects in organisation policies).
-- tactics: exfiltration, initial-access
-- references: Azure DevOps docs "Change project visibility"
SELECT
    'project' AS resource_type,
    org || '/' || project AS resource,
    CASE WHEN visibility IS NULL THEN 'visibility could not be read' ELSE 'project visibility: ' || visibility END AS reason,
    CASE
        WHEN visibility IS NULL THEN 'unknown'
        WHEN lower(visibility) = 'public' THEN 'fail'
        ELSE 'pass'
    END AS status,
    platform, host, org, project
FROM projects
WHERE platform = 'azure_devops'
