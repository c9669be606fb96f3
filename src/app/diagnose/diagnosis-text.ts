/** The checks of a diagnosis (see `CHECK_ORDER` in diagnosis.ts). */
export type CheckId =
  | 'sent'
  | 'recipient'
  | 'installation'
  | 'environment'
  | 'connected'
  | 'subscribed'
  | 'credentials'
  | 'takeover'
  | 'slow-consumer'
  | 'delivered';

/**
 * `unknown`: the data cannot decide; `unavailable`: the server keeps no such record (Kii
 * Cloud); `skipped`: not run after an earlier failure.
 */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'unavailable' | 'skipped';

/** Every answer the Diagnose page can give. */
export type VerdictCode =
  | 'PUSH_NOT_FOUND'
  | 'MQTT_DISABLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'STILL_SENDING'
  | 'ROW_OMITTED'
  | 'NOT_A_RECIPIENT'
  | 'NO_MQTT_INSTALLATION'
  | 'INSTALLATION_NOT_FOUND'
  | 'NOT_MQTT'
  | 'DEVELOPMENT_FILTERED'
  | 'PRODUCTION_FILTERED'
  | 'NOT_CONNECTED'
  | 'NOT_SUBSCRIBED'
  | 'CREDENTIALS_EXPIRED'
  | 'ENDPOINT_NOT_READY'
  | 'ENDPOINT_FAILED'
  | 'TAKEN_OVER'
  | 'CONNECTION_CLOSED'
  | 'DROPPED_SLOW_CONSUMER'
  | 'DELIVERED'
  | 'NO_PROBLEM_FOUND';

/** The code shown next to a verdict: the server's outcome code where there is one. */
export function verdictCode(verdict: VerdictCode): string {
  return verdict === 'DEVELOPMENT_FILTERED' || verdict === 'PRODUCTION_FILTERED'
    ? 'ENVIRONMENT_FILTERED'
    : verdict;
}

/** The name of a check, as the list of checks shows it. */
export function checkName(id: CheckId): string {
  switch (id) {
    case 'sent':
      return $localize`:Diagnosis check, the push was accepted@@kpc.diagnose.checkSent:Send accepted`;
    case 'recipient':
      return $localize`:Diagnosis check, the owner was among the push's recipients@@kpc.diagnose.checkRecipient:Owner was a recipient at send time`;
    case 'installation':
      return $localize`:Diagnosis check, an MQTT installation existed@@kpc.diagnose.checkInstallation:MQTT installation existed`;
    case 'environment':
      return $localize`:Diagnosis check, development/production matched@@kpc.diagnose.checkEnvironment:Environment matched`;
    case 'connected':
      return $localize`:Diagnosis check, the device was connected@@kpc.diagnose.checkConnected:Connected`;
    case 'subscribed':
      return $localize`:Diagnosis check, the connection subscribed to its topic@@kpc.diagnose.checkSubscribed:Subscribed`;
    case 'credentials':
      return $localize`:Diagnosis check, the MQTT credentials were valid@@kpc.diagnose.checkCredentials:Credentials valid`;
    case 'takeover':
      return $localize`:Diagnosis check, no other client took the connection over@@kpc.diagnose.checkTakeover:Not taken over`;
    case 'slow-consumer':
      return $localize`:Diagnosis check, the device read fast enough@@kpc.diagnose.checkSlow:Not dropped as a slow consumer`;
    case 'delivered':
      return $localize`:Diagnosis check, written to the connection@@kpc.diagnose.checkDelivered:Written to the connection`;
  }
}

/** A check's status in words (besides its icon). */
export function statusText(status: CheckStatus): string {
  switch (status) {
    case 'pass':
      return $localize`:Status of a diagnosis check@@kpc.diagnose.statusPass:Passed`;
    case 'fail':
      return $localize`:Status of a diagnosis check@@kpc.diagnose.statusFail:Failed`;
    case 'unknown':
      return $localize`:Status of a diagnosis check that the data cannot decide@@kpc.diagnose.statusUnknown:Cannot tell`;
    case 'unavailable':
      return $localize`:Status of a diagnosis check Kii Cloud cannot answer@@kpc.diagnose.statusUnavailable:Cannot be checked here`;
    case 'skipped':
      return $localize`:Status of a diagnosis check not run after a failure@@kpc.diagnose.statusSkipped:Not checked`;
  }
}

/** The verdict's headline. */
export function verdictTitle(verdict: VerdictCode): string {
  switch (verdict) {
    case 'PUSH_NOT_FOUND':
      return $localize`:Verdict@@kpc.diagnose.vPushNotFound:The server has no record of this push`;
    case 'MQTT_DISABLED':
      return $localize`:Verdict@@kpc.diagnose.vMqttDisabled:The push was sent with MQTT delivery turned off`;
    case 'PAYLOAD_TOO_LARGE':
      return $localize`:Verdict@@kpc.diagnose.vTooLarge:The payload is over the MQTT limit`;
    case 'STILL_SENDING':
      return $localize`:Verdict@@kpc.diagnose.vStillSending:The push is still being written`;
    case 'ROW_OMITTED':
      return $localize`:Verdict@@kpc.diagnose.vRowOmitted:The server kept no row for this installation`;
    case 'NOT_A_RECIPIENT':
      return $localize`:Verdict@@kpc.diagnose.vNotRecipient:The owner was not a recipient of this push`;
    case 'NO_MQTT_INSTALLATION':
      return $localize`:Verdict@@kpc.diagnose.vNoMqtt:There was no MQTT installation when the push was sent`;
    case 'INSTALLATION_NOT_FOUND':
      return $localize`:Verdict@@kpc.diagnose.vInstallationMissing:The installation does not exist`;
    case 'NOT_MQTT':
      return $localize`:Verdict@@kpc.diagnose.vNotMqtt:This is not an MQTT installation`;
    case 'DEVELOPMENT_FILTERED':
    case 'PRODUCTION_FILTERED':
      return $localize`:Verdict@@kpc.diagnose.vFiltered:The push skipped this installation's environment`;
    case 'NOT_CONNECTED':
      return $localize`:Verdict@@kpc.diagnose.vNotConnected:The device was not connected`;
    case 'NOT_SUBSCRIBED':
      return $localize`:Verdict@@kpc.diagnose.vNotSubscribed:Connected, but not subscribed to its topic`;
    case 'CREDENTIALS_EXPIRED':
      return $localize`:Verdict@@kpc.diagnose.vExpired:The MQTT credentials had expired`;
    case 'ENDPOINT_NOT_READY':
      return $localize`:Verdict@@kpc.diagnose.vEndpointNotReady:The MQTT endpoint is not ready`;
    case 'ENDPOINT_FAILED':
      return $localize`:Verdict@@kpc.diagnose.vEndpointFailed:The MQTT endpoint could not be fetched`;
    case 'TAKEN_OVER':
      return $localize`:Verdict@@kpc.diagnose.vTakenOver:Another client took the connection over`;
    case 'CONNECTION_CLOSED':
      return $localize`:Verdict@@kpc.diagnose.vClosed:The connection closed before the write`;
    case 'DROPPED_SLOW_CONSUMER':
      return $localize`:Verdict@@kpc.diagnose.vSlow:Dropped: the device read too slowly`;
    case 'DELIVERED':
      return $localize`:Verdict; QoS 0 means written, never received@@kpc.diagnose.vDelivered:Written to the device's connection`;
    case 'NO_PROBLEM_FOUND':
      return $localize`:Verdict on Kii Cloud when nothing failed@@kpc.diagnose.vNoProblem:Nothing Kii Cloud shows explains it`;
  }
}

/** One line saying what to do. */
export function verdictFix(verdict: VerdictCode): string {
  switch (verdict) {
    case 'PUSH_NOT_FOUND':
      return $localize`:Fix line@@kpc.diagnose.fixPushNotFound:Check the push message ID; the ledger keeps pushes for 7 days.`;
    case 'MQTT_DISABLED':
      return $localize`:Fix line@@kpc.diagnose.fixMqttDisabled:Resend with MQTT delivery enabled (mqtt.enabled true).`;
    case 'PAYLOAD_TOO_LARGE':
      return $localize`:Fix line@@kpc.diagnose.fixTooLarge:Shorten the data to 4,096 bytes or less and resend.`;
    case 'STILL_SENDING':
      return $localize`:Fix line@@kpc.diagnose.fixStillSending:Wait a few seconds and diagnose again.`;
    case 'ROW_OMITTED':
      return $localize`:Fix line@@kpc.diagnose.fixRowOmitted:Watch this installation in Live traffic and resend to see it there.`;
    case 'NOT_A_RECIPIENT':
      return $localize`:Fix line@@kpc.diagnose.fixNotRecipient:Subscribe the owner to the topic (or push to the owner directly), then resend.`;
    case 'NO_MQTT_INSTALLATION':
      return $localize`:Fix line@@kpc.diagnose.fixNoMqtt:Pushes are not kept for later installations: resend now that it is installed.`;
    case 'INSTALLATION_NOT_FOUND':
      return $localize`:Fix line@@kpc.diagnose.fixInstallationMissing:Install MQTT push for the owner again and connect with the new endpoint.`;
    case 'NOT_MQTT':
      return $localize`:Fix line@@kpc.diagnose.fixNotMqtt:This installation receives through its own push network; check that network.`;
    case 'DEVELOPMENT_FILTERED':
      return $localize`:Fix line@@kpc.diagnose.fixDevelopment:This installation is development; resend with Development ticked.`;
    case 'PRODUCTION_FILTERED':
      return $localize`:Fix line@@kpc.diagnose.fixProduction:This installation is production; resend with Production ticked.`;
    case 'NOT_CONNECTED':
      return $localize`:Fix line@@kpc.diagnose.fixNotConnected:Pushes are not queued (QoS 0): connect the device with its endpoint, then resend.`;
    case 'NOT_SUBSCRIBED':
      return $localize`:Fix line@@kpc.diagnose.fixNotSubscribed:Subscribe to the endpoint's mqttTopic right after connecting, then resend.`;
    case 'CREDENTIALS_EXPIRED':
      return $localize`:Fix line@@kpc.diagnose.fixExpired:Fetch the MQTT endpoint again for new credentials, reconnect, then resend.`;
    case 'ENDPOINT_NOT_READY':
      return $localize`:Fix line@@kpc.diagnose.fixEndpointNotReady:Wait a few seconds after installing and fetch the endpoint again.`;
    case 'ENDPOINT_FAILED':
      return $localize`:Fix line@@kpc.diagnose.fixEndpointFailed:Open the installation's page to see the endpoint error.`;
    case 'TAKEN_OVER':
      return $localize`:Fix line@@kpc.diagnose.fixTakenOver:Two clients share this installation's client ID: keep one connection per installation.`;
    case 'CONNECTION_CLOSED':
      return $localize`:Fix line@@kpc.diagnose.fixClosed:See the close reason in the installation's connection timeline, reconnect, then resend.`;
    case 'DROPPED_SLOW_CONSUMER':
      return $localize`:Fix line@@kpc.diagnose.fixSlow:Make the device read its socket promptly; the broker cuts a connection whose buffer stays full past its drain timeout (5 s unless the server sets another).`;
    case 'DELIVERED':
      return $localize`:Fix line; QoS 0 has no receipt@@kpc.diagnose.fixDelivered:The server's part is done; QoS 0 has no receipt, so check how the device's app handles it.`;
    case 'NO_PROBLEM_FOUND':
      return $localize`:Fix line@@kpc.diagnose.fixNoProblem:Check on the device that it is connected and subscribed when the push is sent.`;
  }
}

/** What each check found, in words. */
export const checkEvidence = {
  pushUnknown: () =>
    $localize`:Evidence@@kpc.diagnose.ePushUnknown:The ledger has no push with this ID: unknown, or older than it keeps.`,
  mqttDisabled: (at: string) =>
    $localize`:Evidence; TIME is when it was sent@@kpc.diagnose.eMqttDisabled:Accepted at ${at}:TIME: with mqtt.enabled false.`,
  accepted: (at: string, target: string, sender: string, bytes: number) =>
    $localize`:Evidence@@kpc.diagnose.eAccepted:Accepted at ${at}:TIME:, to ${target}:TARGET: from ${sender}:SENDER:, ${bytes}:BYTES: bytes.`,
  recipient: (targeted: number) =>
    $localize`:Evidence@@kpc.diagnose.eRecipient:Among the ${targeted}:COUNT: targeted.`,
  ownerRecipient: () =>
    $localize`:Evidence@@kpc.diagnose.eOwnerRecipient:The owner was a recipient.`,
  stillSending: () =>
    $localize`:Evidence@@kpc.diagnose.eStillSending:The writes of this push have not all settled yet.`,
  rowOmitted: (omitted: number) =>
    $localize`:Evidence@@kpc.diagnose.eRowOmitted:${omitted}:COUNT: rows of this push were not kept (deliveries are sampled), and this installation's is one of them.`,
  notRecipient: (targeted: number, target: string) =>
    $localize`:Evidence@@kpc.diagnose.eNotRecipient:The push to ${target}:TARGET: targeted ${targeted}:COUNT: installations; this one was not among them.`,
  createdLater: (at: string) =>
    $localize`:Evidence@@kpc.diagnose.eCreatedLater:The owner had no MQTT installation then; this one was created at ${at}:TIME:.`,
  noInstallation: () =>
    $localize`:Evidence@@kpc.diagnose.eNoInstallation:The owner had no MQTT installation when the push was sent.`,
  installed: (id: string) =>
    $localize`:Evidence@@kpc.diagnose.eInstalled:MQTT installation ${id}:ID:.`,
  filtered: (development: boolean) =>
    development
      ? $localize`:Evidence@@kpc.diagnose.eFilteredDev:The installation is development and the push was not sent to development.`
      : $localize`:Evidence@@kpc.diagnose.eFilteredProd:The installation is production and the push was not sent to production.`,
  environmentMatched: (development: boolean, production: boolean) =>
    development && production
      ? $localize`:Evidence@@kpc.diagnose.eEnvBoth:Sent to development and production.`
      : development
        ? $localize`:Evidence@@kpc.diagnose.eEnvDev:Sent to development, as the installation is.`
        : $localize`:Evidence@@kpc.diagnose.eEnvProd:Sent to production, as the installation is.`,
  lastClosed: (connection: string, at: string, reason: string) =>
    $localize`:Evidence; REASON is a close reason code@@kpc.diagnose.eLastClosed:Its last connection ${connection}:CONNECTION: closed at ${at}:TIME: (${reason}:REASON:).`,
  neverConnected: () => $localize`:Evidence@@kpc.diagnose.eNeverConnected:It had never connected.`,
  expired: () =>
    $localize`:Evidence@@kpc.diagnose.eExpired:Not connected, and its credentials had expired.`,
  connectedAs: (connection: string, transport: string, at: string) =>
    $localize`:Evidence@@kpc.diagnose.eConnectedAs:Connection ${connection}:CONNECTION: (${transport}:TRANSPORT:), open since ${at}:TIME:.`,
  connected: () => $localize`:Evidence@@kpc.diagnose.eConnected:Connected.`,
  notSubscribed: (connection: string) =>
    $localize`:Evidence@@kpc.diagnose.eNotSubscribed:Connection ${connection}:CONNECTION: was open but had not subscribed to its mqttTopic.`,
  subscribedAt: (at: string) =>
    $localize`:Evidence@@kpc.diagnose.eSubscribedAt:Subscribed at ${at}:TIME:.`,
  subscribed: () => $localize`:Evidence@@kpc.diagnose.eSubscribed:Subscribed.`,
  credentialsValid: () =>
    $localize`:Evidence@@kpc.diagnose.eCredentialsValid:The broker accepted its credentials.`,
  takenOver: (connection: string, by: string) =>
    $localize`:Evidence@@kpc.diagnose.eTakenOver:Connection ${connection}:CONNECTION: was taken over by ${by}:OTHER: before the write.`,
  afterTakeover: (connection: string, replaced: string) =>
    $localize`:Evidence@@kpc.diagnose.eAfterTakeover:Connection ${connection}:CONNECTION: had taken over ${replaced}:OTHER:; the push went to the new one.`,
  noTakeover: () => $localize`:Evidence@@kpc.diagnose.eNoTakeover:No takeover.`,
  slowConsumer: (connection: string) =>
    $localize`:Evidence@@kpc.diagnose.eSlow:Connection ${connection}:CONNECTION: had a full buffer and was cut after the drain timeout.`,
  readInTime: () =>
    $localize`:Evidence@@kpc.diagnose.eReadInTime:The write did not wait on a full buffer.`,
  closedBeforeWrite: (connection: string, detail: string) =>
    $localize`:Evidence@@kpc.diagnose.eClosedBeforeWrite:Connection ${connection}:CONNECTION: closed before the write settled (${detail}:REASON:).`,
  written: (connection: string, transport: string, at: string) =>
    $localize`:Evidence; says written, never received (QoS 0)@@kpc.diagnose.eWritten:Written to connection ${connection}:CONNECTION: (${transport}:TRANSPORT:) at ${at}:TIME:.`,
  notSentHere: () =>
    $localize`:Evidence@@kpc.diagnose.eNotSentHere:This tab did not send this push, and Kii Cloud cannot be asked about a push.`,
  tooLarge: (bytes: number) =>
    $localize`:Evidence@@kpc.diagnose.eTooLarge:The payload was ${bytes}:BYTES: bytes; MQTT allows 4,096.`,
  sentHere: (at: string, target: string, bytes: number) =>
    $localize`:Evidence@@kpc.diagnose.eSentHere:Sent from this tab at ${at}:TIME: to ${target}:TARGET:, ${bytes}:BYTES: bytes.`,
  addressedOwner: () =>
    $localize`:Evidence@@kpc.diagnose.eAddressedOwner:The push went to the owner directly.`,
  addressedOther: () =>
    $localize`:Evidence@@kpc.diagnose.eAddressedOther:The push went directly to another user.`,
  subscriptionUnknown: () =>
    $localize`:Evidence@@kpc.diagnose.eSubscriptionUnknown:The owner's subscription to the topic could not be checked.`,
  subscribedNow: () =>
    $localize`:Evidence@@kpc.diagnose.eSubscribedNow:The owner subscribes to the topic now (Kii tells only the current state).`,
  notSubscribedNow: (target: string) =>
    $localize`:Evidence@@kpc.diagnose.eNotSubscribedNow:The owner does not subscribe to ${target}:TARGET:.`,
  installationMissing: (id: string) =>
    $localize`:Evidence@@kpc.diagnose.eInstallationMissing:Kii answers that installation ${id}:ID: does not exist.`,
  notMqtt: (deviceType: string) =>
    $localize`:Evidence@@kpc.diagnose.eNotMqtt:Its device type is ${deviceType}:TYPE:.`,
  noConnectionRecord: () =>
    $localize`:Evidence@@kpc.diagnose.eNoConnectionRecord:Kii Cloud keeps no record of MQTT connections; the local server's trace does.`,
  noDeliveryRecord: () =>
    $localize`:Evidence@@kpc.diagnose.eNoDeliveryRecord:Kii Cloud keeps no record of deliveries; the local server's trace does.`,
  thingOnlineSince: (at: string) =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingOnlineSince:The thing is online, without a change since ${at}:TIME:, before the push was sent.`,
  thingOfflineSince: (at: string) =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingOfflineSince:The thing is offline, without a change since ${at}:TIME:, before the push was sent.`,
  thingOnlineSinceLater: (at: string) =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingOnlineLater:The thing is online now, since ${at}:TIME:; what it was when the push was sent is not known.`,
  thingOfflineSinceLater: (at: string) =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingOfflineLater:The thing is offline now, since ${at}:TIME:; what it was when the push was sent is not known.`,
  thingOnlineNow: () =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingOnlineNow:The thing is online now; Kii does not say since when.`,
  thingNeverOnline: () =>
    $localize`:Evidence from Kii's thing online status@@kpc.diagnose.eThingNeverOnline:The thing has never been online (Kii reports no status change).`,
  endpointValid: () =>
    $localize`:Evidence@@kpc.diagnose.eEndpointValid:The MQTT endpoint answers with credentials now.`,
  endpointNotReady: () =>
    $localize`:Evidence@@kpc.diagnose.eEndpointNotReady:The MQTT endpoint still answers 503 (not ready).`,
  endpointFailed: () =>
    $localize`:Evidence@@kpc.diagnose.eEndpointFailed:Fetching the MQTT endpoint failed.`,
  endpointUnknown: () =>
    $localize`:Evidence@@kpc.diagnose.eEndpointUnknown:The MQTT endpoint was not fetched.`,
};

/** The fix line of a skip reason in a push's report (`sentToDevelopment` picks the flag). */
export function outcomeFix(outcome: string, sentToDevelopment: boolean): string {
  switch (outcome) {
    case 'ENVIRONMENT_FILTERED':
      return verdictFix(sentToDevelopment ? 'PRODUCTION_FILTERED' : 'DEVELOPMENT_FILTERED');
    case 'CONNECTION_CLOSED':
    case 'NO_MQTT_INSTALLATION':
    case 'NOT_CONNECTED':
    case 'NOT_SUBSCRIBED':
    case 'CREDENTIALS_EXPIRED':
    case 'DROPPED_SLOW_CONSUMER':
    case 'MQTT_DISABLED':
    case 'DELIVERED':
      return verdictFix(outcome);
    default:
      return '';
  }
}
