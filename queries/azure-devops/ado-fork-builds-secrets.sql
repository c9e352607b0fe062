-- id: ado-fork-builds-secrets
-- title: Builds of forks get secrets or a full-access token
-- severity: high
-- platforms: azure_devops
-- description: A pull request from a fork of a GitHub repository runs the fork's pipeline YAML with the pipeline's secrets (or a token that can write), so any outsider can exfiltrate them.
-- remediation: Pipeline > Triggers > Pull request validation: untick Make secrets available to builds of forks and Make fork builds have the same permissions as regular builds;
--   or enable Limit building pull requests from forked GitHub repositories in the organisation/project pipeline settings.
-- tactics: credential-access, initial-access
-- references: Defender: "Azure DevOps pipelines shouldn't have secrets available to builds of forks"
WITH guard AS (
    SELECT platform, host, org, project
    FROM pipeline_settings
    WHERE platform = 'azure_devops' AND no_secrets_for_forks = true
)
SELECT
    'pipeline' AS resource_type,
    concat_ws('/', p.org, p.project, coalesce(p.name, p.pipeline_id)) AS resource,
    CASE
        WHEN g_org.org IS NOT NULL OR g_proj.org IS NOT NULL THEN 'secrets withheld from fork builds by the organisation/project setting'
        WHEN p.fork_builds = false THEN 'fork builds are disabled'
        WHEN p.fork_builds AND (p.fork_secrets_allowed OR p.fork_full_access_token) THEN
            'fork builds get ' || concat_ws(' and ', CASE WHEN p.fork_secrets_allowed THEN 'secrets' END,
                                                    CASE WHEN p.fork_full_access_token THEN 'a full-access token' END)
        WHEN p.fork_builds IS NULL OR p.fork_secrets_allowed IS NULL OR p.fork_full_access_token IS NULL THEN 'fork build settings could not be read'
        ELSE 'fork builds get neither secrets nor a full-access token'
    END AS reason,
    CASE
        WHEN g_org.org IS NOT NULL OR g_proj.org IS NOT NULL THEN 'pass'
        WHEN p.fork_builds = false THEN 'pass'
        WHEN p.fork_builds AND (p.fork_secrets_allowed OR p.fork_full_access_token) THEN 'fail'
        WHEN p.fork_builds IS NULL OR p.fork_secrets_allowed IS NULL OR p.fork_full_access_token IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    p.platform, p.host, p.org, p.project, p.repo,
    p.path, coalesce(p.trigger_lines['pr'], p.key_lines['pr'], p.line) AS line
FROM pipelines p
LEFT JOIN (SELECT DISTINCT platform, host, org FROM guard WHERE project IS NULL) g_org
    ON g_org.platform = p.platform AND g_org.host = p.host AND g_org.org = p.org
LEFT JOIN (SELECT DISTINCT platform, host, org, project FROM guard WHERE project IS NOT NULL) g_proj
    ON g_proj.platform = p.platform AND g_proj.host = p.host AND g_proj.org = p.org AND g_proj.project = p.project
WHERE p.platform = 'azure_devops' AND p.kind IN ('azure_yaml', 'azure_classic')
