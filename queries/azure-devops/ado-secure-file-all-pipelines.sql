-- id: ado-secure-file-all-pipelines
-- title: Secure file is authorised for all pipelines
-- severity: high
-- platforms: azure_devops
-- description: Secure files hold signing certificates, SSH keys and provisioning profiles; with open access any new YAML pipeline can download them.
-- remediation: Library > Secure files > (file) > Pipeline permissions: remove Open access and authorise only the pipelines that need it.
-- tactics: credential-access, privilege-escalation, lateral-movement
-- references: Defender: "Azure DevOps secure files shouldn't grant access to all pipelines"
SELECT
    'secure_file' AS resource_type,
    concat_ws('/', ra.org, ra.project, coalesce(ra.resource_name, ra.resource_id)) AS resource,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'pipeline permissions could not be read'
        WHEN ra.all_pipelines THEN 'secure file is open to all pipelines'
        ELSE 'secure file is authorised for ' || CAST(coalesce(cardinality(ra.authorized_pipelines), 0) AS VARCHAR) || ' selected pipeline(s)'
    END AS reason,
    CASE
        WHEN ra.all_pipelines IS NULL THEN 'unknown'
        WHEN ra.all_pipelines THEN 'fail'
        ELSE 'pass'
    END AS status,
    ra.platform, ra.host, ra.org, ra.project
FROM resource_authorizations ra
WHERE ra.platform = 'azure_devops' AND ra.resource_type = 'secure_file'
