-- id: repo-webhook-insecure
-- title: Webhook without a secret or without TLS verification
-- severity: low
-- platforms: github, azure_devops
-- description: Without a signing secret the receiver cannot authenticate deliveries; without TLS (or with verification off) payloads can be read or forged in transit.
-- remediation: Set a webhook secret, use an https URL, and enable SSL verification.
-- tactics: exfiltration, initial-access
-- references: CIS SSCS 4.3.4; Scorecard Webhooks; Legitify repository_webhook_no_secret / repository_webhook_doesnt_require_ssl
SELECT
    'webhook' AS resource_type,
    concat_ws('/', org, project, repo) || ':hook ' || coalesce(hook_id, '?') || ' -> ' || coalesce(url_host, '?') AS resource,
    CASE
        WHEN has_secret = false OR insecure_ssl = true OR url_scheme = 'http' THEN
            concat_ws(', ',
                CASE WHEN has_secret = false THEN 'no secret' END,
                CASE WHEN insecure_ssl = true THEN 'TLS verification disabled' END,
                CASE WHEN url_scheme = 'http' THEN 'plain http URL' END)
        WHEN has_secret IS NULL OR insecure_ssl IS NULL THEN 'webhook configuration could not be read'
        ELSE 'signed, https, TLS verified'
    END AS reason,
    CASE
        WHEN has_secret = false OR insecure_ssl = true OR url_scheme = 'http' THEN 'fail'
        WHEN has_secret IS NULL OR insecure_ssl IS NULL THEN 'unknown'
        ELSE 'pass'
    END AS status,
    platform, host, org, project, repo
FROM webhooks
WHERE platform IN ('github', 'azure_devops') AND coalesce(active, true)
