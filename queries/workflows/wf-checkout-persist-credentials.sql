-- id: wf-checkout-persist-credentials
-- title: Checkout persists the token in the git configuration
-- severity: medium
-- platforms: github, azure_devops
-- description: actions/checkout (by default) or an Azure Pipelines checkout with persistCredentials writes the job token into .git/config, where every later step, and any artifact that includes the workspace, can read it.
-- remediation: Set `persist-credentials: false` on actions/checkout (and leave persistCredentials off in Azure Pipelines) unless a later step must push.
-- tactics: credential-access
-- references: zizmor artipacked; GitHub Security Lab "ArtiPACKED"
SELECT
    'step' AS resource_type,
    concat_ws('/', org, project, repo) || ':' || coalesce(path, pipeline_id) || '#' || coalesce(job_id, '') || '[' || CAST(step_index AS VARCHAR) || ']' AS resource,
    CASE
        WHEN coalesce(persist_credentials, platform <> 'azure_devops') THEN 'checkout keeps the token in .git/config'
        ELSE 'checkout does not persist credentials'
    END AS reason,
    CASE WHEN coalesce(persist_credentials, platform <> 'azure_devops') THEN 'fail' ELSE 'pass' END AS status,
    platform, host, org, project, repo,
    path,
    -- the explicit setting (`with: persist-credentials` / `persistCredentials`), else the checkout itself
    coalesce(
        CASE WHEN "with"['persist-credentials'] IS NOT NULL THEN key_lines['with'] END,
        key_lines['persistCredentials'], key_lines['uses'], key_lines['checkout'], line
    ) AS line
FROM pipeline_steps
WHERE kind = 'checkout' OR (lower(action_owner) = 'actions' AND lower(action_repo) = 'checkout')
