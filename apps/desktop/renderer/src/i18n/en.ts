// size: the English message catalogue, one key per line, mirroring de.ts key for key.
import type { MessageKey } from './de.ts';

import { enCollab } from './parts/en-collab.ts';
import { enOrgAdmin } from './parts/en-org-admin.ts';
import { enWorkstation } from './parts/en-workstation.ts';
import { enPins } from './parts/en-pins.ts';
import { enTimeline } from './parts/en-timeline.ts';
import { enRoles } from './parts/en-roles.ts';
import { enAlerts } from './parts/en-alerts.ts';
import { enReactions } from './parts/en-reactions.ts';
import { enAvailability } from './parts/en-availability.ts';
import { enTray } from './parts/en-tray.ts';
import { enStatus } from './parts/en-status.ts';
import { enUserImport } from './parts/en-user-import.ts';
import { enDelegation } from './parts/en-delegation.ts';

export const en: Record<MessageKey, string> = {
  ...enCollab,
  ...enOrgAdmin,
  ...enWorkstation,
  ...enPins,
  ...enTimeline,
  ...enRoles,
  ...enAlerts,
  ...enReactions,
  ...enAvailability,
  ...enTray,
  ...enStatus,
  ...enUserImport,
  ...enDelegation,
  'app.name': 'Klinikfunk',
  'app.tagline': 'Secure messenger for hospitals, care and practices',
  'app.loading': 'Starting Klinikfunk …',
  'app.noBridge':
    'The connection to the application is missing. Please restart Klinikfunk. If that does not help, contact your IT.',
  'nav.skipToContent': 'Skip to content',
  'lang.label': 'Language',
  'lang.de': 'Deutsch',
  'lang.en': 'English',
  'theme.label': 'Display',
  'theme.auto': 'Automatic',
  'theme.light': 'Light',
  'theme.contrast': 'High contrast',
  'dialog.close': 'Close',
  'dialog.cancel': 'Cancel',
  'dialog.understood': 'Understood',
  'key.ctrl': 'Ctrl',
  'key.shift': 'Shift',
  'about.version': 'Version',
  'support.export': 'Export support package',
  'support.busy': 'Creating the support package …',
  'support.saved': 'Support package saved: {file}. Give the file to IT; it contains no messages and no names.',
  'support.failed': 'The support package could not be saved there. Please choose another folder.',

  'welcome.title': 'Welcome to Klinikfunk',
  'welcome.body':
    "Your team's messages, files and appointments – end-to-end encrypted and on your organisation's own server.",
  'welcome.noProfile': 'No profile has been set up on this workstation yet.',
  'risk.title': 'Shared devices',
  'risk.body':
    'On shared and publicly accessible devices others may see your messages. Lock Klinikfunk with Ctrl+L or the "Lock" button before you leave, and never share your PIN or passphrase.',
  'firstRun.addTitle': 'Set up another profile',
  'firstRun.backToSignIn': 'Back to sign-in',
  'firstRun.choose': 'How would you like to start?',
  'firstRun.create': 'Create organisation',
  'firstRun.createText': 'For the first administrator of your organisation.',
  'firstRun.join': 'Join with a registration key',
  'firstRun.otherOrgText': 'Only for the IT of another organisation:',
  'firstRun.otherOrg': 'create a new organisation',
  'firstRun.backToJoin': 'Back: join with a registration key',
  'firstRun.joinText': 'You received a registration letter from your administrator.',
  'firstRun.chooseJoin': 'How would you like to join?',
  'firstRun.joinAccount': 'Sign in with the clinic account',
  'firstRun.joinAccountText':
    'With your sign-in name and password of the clinic network, where your IT has set this up.',
  'joinDirectory.title': 'Sign in with the clinic account',
  'joinDirectory.intro':
    'Sign in with the name and password you use on the clinic computers. Then choose a passphrase for Klinikfunk. Your password goes, encrypted, only to your clinic’s directory service and is not stored.',
  'joinDirectory.account': 'Sign-in name',
  'joinDirectory.accountHelp': 'For example “jdoe”, as when you sign in to a clinic computer.',
  'joinDirectory.accountMissing': 'Please enter your sign-in name.',
  'joinDirectory.password': 'Clinic account password',
  'joinDirectory.passwordMissing': 'Please enter your clinic account password.',
  'joinDirectory.submit': 'Sign in and set up this device',
  'joinDirectory.busy': 'Checking the account …',
  'joinDirectory.refused.wrong_credentials':
    'Sign-in failed: the name or password is wrong, or the account is locked. Please check what you typed (Caps Lock?). If you cannot sign in to a clinic computer either, contact IT.',
  'joinDirectory.refused.account_disabled': 'Your clinic account is disabled. Please contact IT.',
  'joinDirectory.refused.not_in_group':
    'Your clinic account is not enabled for Klinikfunk. Please contact IT or use a registration letter.',
  'joinDirectory.refused.rate_limited': 'Too many attempts. Please try again in {minutes} min. at the earliest.',
  'joinDirectory.refused.not_enabled':
    'Your organisation has not switched on sign-in with the clinic account. Please join with the registration key from your letter.',
  'joinDirectory.refused.agent_offline':
    'Your clinic’s directory service is not answering right now. Please try again in a few minutes or join with the registration letter.',
  'joinDirectory.refused.bad_request':
    'The sign-in was not accepted. Please check this computer’s clock and try again; if it keeps happening, contact IT.',

  'privacy.link': 'Privacy',
  'privacy.footerLink': 'Privacy information',
  'privacy.teaser': 'what is stored where and who can read what.',
  'privacy.title': 'Privacy information',
  'privacy.intro':
    'Klinikfunk is built so that only the members of a channel can read its messages – not the server and not IT.',
  'privacy.where.title': 'What is stored where?',
  'privacy.where.pcTitle': 'On this workstation:',
  'privacy.where.pc':
    'Your messages, files and keys are stored encrypted in your own profile. It opens only with your passphrase; other profiles on the same PC cannot read it.',
  'privacy.where.relayTitle': "On your organisation's server:",
  'privacy.where.relay':
    'The server only relays encrypted messages (ciphertext). It sees which device sends to which channel and when, but neither content nor channel or file names.',
  'privacy.where.printTitle': 'Registration letters:',
  'privacy.where.print':
    'A registration key is shown once and not stored. Keep the letter safe and destroy it after setup.',
  'privacy.who.title': 'Who can read what?',
  'privacy.who.members': "A channel's messages are read only by its members, on their own devices.",
  'privacy.who.history': 'New members see older messages only if the channel was set up to allow it.',
  'privacy.who.admins':
    'Administrators manage users, devices and memberships. They cannot read channels they are not a member of.',
  'privacy.who.it': 'IT runs the server but cannot decrypt any content.',
  'privacy.who.profiles': "Everyone has their own profile; no profile can read another's data.",
  'privacy.shared.title': 'Shared workstations',
  'privacy.shared.lock':
    'Klinikfunk locks after a period without input, when Windows is locked and with Ctrl+L. When locked the screen shows no content.',
  'privacy.shared.notifications': 'By default, notifications show only the sender, no text.',
  'privacy.shared.clipboard': 'Copied message text is removed from the clipboard after a short time.',
  'privacy.delete.title': 'Deleting',
  'privacy.delete.body':
    'You can delete your own messages for everyone; only the note "This message was deleted" remains. Your organisation decides how long messages are kept.',

  'passphrase.label': 'Passphrase',
  'passphrase.confirm': 'Repeat passphrase',
  'passphrase.help':
    'At least {min} characters. Several words only you know are safest, e.g. "coffee rain bicycle lighthouse".',
  'passphrase.strength': 'Strength',
  'passphrase.strength.none': 'nothing entered yet',
  'passphrase.strength.0': 'very weak',
  'passphrase.strength.1': 'weak',
  'passphrase.strength.2': 'fair',
  'passphrase.strength.3': 'good',
  'passphrase.strength.4': 'very good',
  'passphrase.tooShort': 'The passphrase is too short. Please use at least {min} characters.',
  'passphrase.tooWeak': 'The passphrase is too easy to guess. Make it longer, e.g. by another word.',
  'passphrase.mismatch': 'The two entries do not match. Please type the passphrase again.',
  'passphrase.capsLock': 'Caps Lock is on.',

  'relay.label': 'Server address',
  'relay.help': 'It is in your registration letter, e.g. wss://klinikfunk.clinic.example',
  'relay.helpCreate': 'The address of the Klinikfunk server your IT has set up, e.g. wss://klinikfunk.clinic.example',
  'relay.fromProfiles':
    'The same address as the other profiles on this workstation. Change it only if your registration letter names another.',
  'relay.offer': 'Addresses of the other profiles on this workstation:',
  'relay.managed': 'Managed by your organisation',
  'relay.invalid': 'The server address starts with wss:// (e.g. wss://klinikfunk.clinic.example). Please check it.',

  'create.title': 'Create organisation',
  'create.intro': 'You become the first administrator. This workstation receives the organisation key.',
  'create.orgName': 'Name of the organisation',
  'create.orgNameMissing': 'Please enter the name of your organisation.',
  'create.displayName': 'Your name',
  'create.displayNameHelp': 'This is how others see you in the directory, e.g. "Dr Anna Meier".',
  'create.displayNameMissing': 'Please enter your name (at least 2 characters).',
  'create.setupCode': "Server's setup code",
  'create.setupCodeHelp': 'Your IT finds the one-time code in the file "bootstrap-code" in the server\'s data folder.',
  'create.setupCodeInvalid': 'The setup code is too short. Please copy it completely.',
  'create.submit': 'Create organisation',
  'create.busy': 'Creating organisation …',

  'join.title': 'Join with a registration key',
  'join.intro': 'Enter the key from your registration letter and choose a passphrase for your profile.',
  'join.key': 'Registration key',
  'join.keyHelp': '8 blocks of 4 characters. Upper or lower case and hyphens do not matter.',
  'join.keyMissing': 'Please enter the registration key from your letter.',
  'join.keyOk': 'The key is complete and has no typing errors.',
  'join.keyProblem.wrong_length':
    'The key is incomplete: it has 32 characters in 8 blocks. Please compare it with your letter.',
  'join.keyProblem.invalid_character':
    'The key contains a character that cannot occur in it (e.g. "U" or a symbol). Please compare it with your letter.',
  'join.keyProblem.checksum': 'There is a typing error in the key. Please compare it block by block with your letter.',
  'join.submit': 'Join',
  'join.busy': 'Registering device …',

  'signIn.title': 'Sign in',
  'signIn.chooseProfile': 'Choose profile',
  'signIn.profileMissing': 'Please choose your profile.',
  'signIn.alreadySignedIn': 'signed in, locked',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Opening profile …',
  'signIn.offlineHint':
    'If the server cannot be reached, Klinikfunk opens your stored messages; new ones are sent as soon as the connection is back.',
  'signIn.backToLock': 'Back to the lock screen',
  'signIn.addProfile': 'Set up another profile on this workstation',
  'signIn.reason.too_many_pins':
    'You were signed out after too many wrong PINs. Please sign in again with your passphrase.',
  'signIn.reason.session_expired': 'For security your passphrase is needed again. Please sign in again.',
  'signIn.reason.admin': 'Your administrator signed you out. Please sign in again.',
  'signIn.reason.revoked':
    'Your administrator has blocked this device. Contact your administrator if this is a mistake.',
  'signIn.reason.wiped': "This profile's data was deleted on your administrator's instruction.",
  'signIn.reason.relay_refused':
    'The server refused this device and the connection was closed. Please sign in again; if it happens again, call IT.',
  'signIn.reason.user': 'You signed out.',
  'signIn.reason.app_exit': 'Klinikfunk was closed.',

  'lock.title': 'Klinikfunk is locked',
  'lock.intro': 'To unlock, choose your profile and enter your PIN.',
  'lock.profiles': 'Signed-in profiles',
  'lock.pinFor': 'PIN for {name}',
  'lock.unlock': 'Unlock',
  'lock.wrongPin': 'The PIN is wrong.',
  'lock.attemptsLeft.one': '1 attempt left, then the passphrase is required.',
  'lock.attemptsLeft.other': '{count} attempts left.',
  'lock.tooSoon': 'Please wait a moment before trying again.',
  'lock.wait.one': 'Next attempt in 1 second.',
  'lock.wait.other': 'Next attempt in {count} seconds.',
  'lock.signedOut':
    '{name} was signed out after too many wrong PINs. Please sign in again with the passphrase ("Sign in another profile").',
  'lock.otherProfile': 'Sign in another profile',

  'pin.title': 'Choose a PIN',
  'pin.intro': 'You unlock Klinikfunk on this workstation with the PIN when the screen is locked.',
  'pin.rules': 'At least {min} digits. Simple sequences such as 123456 or 000000 are not allowed.',
  'pin.new': 'New PIN',
  'pin.confirm': 'Repeat PIN',
  'pin.submit': 'Save PIN',
  'pin.mismatch': 'The two PINs do not match.',
  'pin.problem.not_digits': 'The PIN may contain digits only.',
  'pin.problem.too_short': 'The PIN is too short: at least {min} digits.',
  'pin.problem.too_long': 'The PIN may have at most 12 digits.',
  'pin.problem.trivial': 'This PIN is too easy to guess. Please choose another sequence of digits.',

  'user.lock': 'Lock',
  'user.lockHint': 'Lock the screen (Ctrl+L)',
  'user.signOut': 'Sign out',

  'connection.online': 'Online',
  'connection.syncing': 'Synchronising …',
  'connection.connecting': 'Connecting …',
  'connection.offline': 'Offline',
  'connection.unknown': 'Checking connection …',
  'connection.retryIn': 'retrying in {seconds} s',
  'connection.channels.one': '1 channel',
  'connection.channels.other': '{count} channels',
  'connection.pending.one': '1 waiting to send',
  'connection.pending.other': '{count} waiting to send',
  'connection.relayVersionBanner':
    'No connection: the server and this Klinikfunk do not match (different versions). Please tell IT. You see the stored messages; what you write is sent once IT has installed the update.',
  'connection.networkProblemRetrying':
    'Klinikfunk keeps trying. You see the stored messages; what you write is sent as soon as the connection is back.',
  'connection.offlineBanner':
    'No connection to the server. You see the stored messages; what you write is sent as soon as the connection is back.',

  'sidebar.label': 'Channels and conversations',
  'sidebar.channels': 'Channels',
  'sidebar.conversations': 'Conversations',
  'sidebar.directs': 'Direct messages',
  'sidebar.newChannel': 'New channel',
  'sidebar.empty.channel': 'No channels yet.',
  'sidebar.empty.conversation': 'No conversations yet.',
  'sidebar.empty.direct': 'No direct messages yet.',
  'sidebar.unread.one': '1 unread message',
  'sidebar.unread.other': '{count} unread messages',
  'sidebar.mentions.one': '1 mention',
  'sidebar.mentions.other': '{count} mentions',
  'sidebar.orgWideShort': 'All',
  'sidebar.browse': 'Browse channels',
  'sidebar.orgWide': 'for everyone in the organisation',
  'browse.title': 'Browse channels',
  'browse.intro':
    'These channels were made discoverable by their administrators. “Join” sends a request; a device of the channel’s administrators adds you automatically as soon as it is online.',
  'browse.filter': 'Filter by name or topic',
  'browse.results': 'Discoverable channels',
  'browse.empty': 'There are no discoverable channels you are not a member of yet.',
  'browse.noMatch': 'No channel matches “{text}”. Please check the spelling.',
  'browse.members.one': '1 member',
  'browse.members.other': '{count} members',
  'browse.historyOn': 'You also see older messages',
  'browse.historyOff': 'You see messages from when you join',
  'browse.join': 'Join',
  'browse.joinLabel': 'Join {channel}',
  'browse.requested': 'Join requested',
  'browse.requestedHint':
    'You will be added as soon as a device of the channel’s administrators is online. You can close this window.',
  'browse.joined': 'Joined',
  'browse.open': 'Open',
  'browse.openLabel': 'Open {channel}',
  'browse.error.not_found': 'This channel is no longer in the directory. Ask its administrators if you need it.',
  'browse.error.unavailable':
    'The channel directory is not ready on this device yet. Please try again in a few minutes.',

  'main.noChannels': 'No channels yet',
  'main.noChannelsHint': 'Create a channel for your ward or wait until you are added to one.',
  'main.chooseChannel': 'No channel open',
  'main.chooseChannelHint': 'Choose a channel or conversation on the left.',
  'main.goneLeft': 'You left {channel}.',
  'main.goneRemoved': '{channel} is no longer available: you were removed or it was closed.',
  'main.goneHint': 'Choose on the left where you want to write.',

  'channel.members': 'Members',
  'channel.searchHere': 'Search this channel',

  'messages.label': 'Messages in {channel}',
  'messages.loading': 'Loading messages …',
  'messages.loadingOlder': 'Loading older messages …',
  'messages.loadingNewer': 'Loading newer messages …',
  'messages.empty': 'No messages yet. Write the first one!',
  'messages.start': 'Beginning of {channel}',
  'messages.historyStart': 'Older messages were deleted after the retention period.',
  'messages.newBelow': 'New messages ↓',
  'messages.toNewest': 'Go to newest messages ↓',
  'day.today': 'Today',
  'day.yesterday': 'Yesterday',
  'live.newMessage': 'New message from {sender} in {channel}',

  'message.edited': 'edited',
  'message.deleted': 'This message was deleted',
  'message.urgent': 'Urgent',
  'message.urgentPleaseAck': 'Urgent – please acknowledge',
  'message.replyTo': 'Reply to:',
  'message.replyToDeleted': 'Reply to a deleted message',
  'message.actions': 'Actions for the message from {sender}',
  'message.reply': 'Reply',
  'message.edit': 'Edit',
  'message.delete': 'Delete',
  'message.deleteTitle': 'Delete message for everyone?',
  'message.deleteText': 'The message is deleted for all members. Only a note that it was deleted remains.',
  'message.deleteConfirm': 'Delete for everyone',
  'message.editLabel': 'Edit message',
  'message.editHint': 'Enter saves, Esc cancels',
  'message.save': 'Save',

  'receipts.summary': 'Read by {read} of {total}',
  'receipts.title': 'Read receipts',
  'receipts.read': 'Read',
  'receipts.unread': 'Not read yet',
  'receipts.delivered': 'Delivered',
  'receipts.directRead': 'Read',
  'ack.confirm': 'Acknowledge',
  'ack.mine': 'Acknowledged by you',
  'ack.summary': '{acked} of {total} acknowledged',
  'ack.title': 'Acknowledgements',
  'ack.acked': 'Acknowledged',
  'ack.pending': 'Not yet acknowledged',
  'ack.none': 'Nobody yet.',
  'ack.allDone': 'Everyone has acknowledged.',

  'delivery.sending': 'Sending …',
  'delivery.sent': 'Sent',
  'delivery.failed': 'Failed',
  'delivery.retry': 'Send again',
  'delivery.refused.not_member':
    'Not delivered: you are no longer a member of this conversation. The text stays here; once you are added back you can send it again.',
  'delivery.refused.too_large':
    'Not delivered: the message is too large for the server. Please copy the text, shorten it and send it as a new message.',
  'delivery.refused.refused':
    'Not delivered: the server refused the message. Please tell your IT; the text stays here.',

  'composer.label': 'Message to {channel}',
  'composer.send': 'Send',
  'composer.urgent': 'Urgent (request acknowledgement)',
  'composer.hint': 'Enter sends · Shift+Enter new line · @ mentions',
  'composer.replyTo': 'Reply to {name}:',
  'composer.cancelReply': 'Cancel reply',
  'composer.mentionList': 'Mention a person',

  'picker.filter': 'Search people (name or ward)',
  'picker.none': 'Nobody found.',
  'picker.selected.one': '1 person selected',
  'picker.selected.other': '{count} people selected',

  'newChannel.title': 'New channel',
  'newChannel.kind': 'Type',
  'newChannel.kind.channel': 'Channel',
  'newChannel.kind.conversation': 'Conversation',
  'newChannel.kind.direct': 'Direct message',
  'newChannel.kindHelp.channel': 'For a ward or a topic',
  'newChannel.kindHelp.conversation': 'Private group',
  'newChannel.kindHelp.direct': 'With one person',
  'newChannel.name': 'Name',
  'newChannel.nameMissing': 'Please enter a name.',
  'newChannel.topic': 'Topic (optional)',
  'newChannel.members': 'Members from the directory',
  'newChannel.directWith': 'Direct message to',
  'newChannel.directMissing': 'Please choose the person you want to write to.',
  'newChannel.history': 'New members may read older messages',
  'newChannel.historyHelp': 'Without the tick, members added later only see messages from when they joined.',
  'newChannel.discoverable': 'Discoverable in the channel directory: anyone in the organisation can join',
  'newChannel.discoverableHelp':
    'Everyone in your organisation sees the name and topic, only members see the messages. The server sees neither name nor content.',
  'newChannel.submit': 'Create',

  'members.title': 'Members of {channel}',
  'members.name': 'Name',
  'members.ward': 'Ward',
  'members.role': 'Role',
  'members.you': 'you',
  'members.historyOn': 'New members can read older messages.',
  'members.historyOff': 'New members only see messages from when they joined.',
  'members.edit': 'Change members',
  'members.choose': 'Members',
  'members.save': 'Save members',
  'members.epochHint': 'Removed members cannot read new messages.',
  'members.leave': 'Leave channel',
  'members.leaveTitle': 'Leave channel?',
  'members.leaveText': 'You leave {channel} and receive no new messages from it.',
  'members.leaveConfirm': 'Leave',
  'role.admin': 'Administrator',
  'role.member': 'Member',

  'search.open': 'Search …',
  'search.title': 'Search',
  'search.label': 'Search term',
  'search.placeholder': 'Enter a search term …',
  'search.onlyHere': 'Only in {channel}',
  'search.onlyHereNone': 'Only in the open channel (none open)',
  'search.busy': 'Searching …',
  'search.count.one': '1 result',
  'search.count.other': '{count} results',
  'search.none': 'No results. Try another term or search all channels.',
  'search.results': 'Search results',
  'search.file': 'File',
  'search.poll': 'Poll',
  'search.calendar': 'Appointment',

  'switcher.open': 'Switch channel',
  'switcher.title': 'Switch channel',
  'switcher.label': 'Channel name',
  'switcher.placeholder': 'Type a channel name …',
  'switcher.results': 'Channels',
  'switcher.none': 'No channel found.',
  'switcher.hint': '↑ ↓ to choose, Enter opens, Esc closes.',

  'shortcuts.title': 'Keyboard shortcuts',
  'shortcuts.keys': 'Keys',
  'shortcuts.action': 'Action',
  'shortcuts.quickSwitch': 'Switch channel',
  'shortcuts.search': 'Search',
  'shortcuts.lock': 'Lock the screen',
  'shortcuts.help': 'Open this overview',
  'shortcuts.escape': 'Close a dialog, editing or a list',
  'shortcuts.send': 'Send message',
  'shortcuts.newline': 'New line in the message',
  'shortcuts.mention': 'Mention a person (choose with ↑ ↓ and Enter or Tab)',
  'shortcuts.lists': 'Move in lists and search results',
  'shortcuts.editLast': 'In the empty message field: edit your last message',

  'admin.open': 'Administration',
  'admin.title': 'Administration',
  'admin.close': 'Close administration',
  'admin.addUser': 'Add user',
  'admin.userName': 'Name',
  'admin.nameMissing': 'Please enter the name (at least 2 characters).',
  'admin.role': 'Role',
  'admin.ward': 'Ward or department (optional)',
  'admin.wardHelp': 'Shown next to the name in the directory, e.g. "Ward 3" or "Emergency".',
  'admin.addSubmit': 'Add and create key',
  'admin.users': 'Directory',
  'admin.usersHelp': 'You can create a new registration key for each person (valid for 14 days).',
  'admin.actions': 'Actions',
  'admin.createKey': 'Create registration key',
  'admin.createKeyFor': 'Create registration key for {name}',

  'letter.once': 'The key is shown only now and is not stored. Print the letter before you close this view.',
  'letter.print': 'Print',
  'letter.done': 'Done – hide key',
  'letter.title': 'Your access to Klinikfunk',
  'letter.greeting': 'Dear {name},',
  'letter.intro':
    'with this letter you set up Klinikfunk at your workstation. The registration key works once and only for you.',
  'letter.name': 'Name',
  'letter.organisation': 'Organisation',
  'letter.relay': 'Server address',
  'letter.key': 'Registration key',
  'letter.expires': 'Valid until',
  'letter.stepsTitle': 'How it works',
  'letter.step1': 'Start Klinikfunk and choose "Join with a registration key".',
  'letter.step2': 'Enter the key and, if not already filled in, the server address.',
  'letter.step3': 'Choose a passphrase and then a PIN for the screen lock.',
  'letter.security':
    'Do not pass this letter on. Destroy it after setup. If the key has expired, your administrator creates a new one.',

  'error.invalid_input': 'The input is incomplete or incorrect. Please check what you entered.',
  'error.unknown_method': 'This function is not available in this version. Please update Klinikfunk.',
  'error.forbidden_sender': 'This request was refused for security reasons. Please restart Klinikfunk.',
  'error.locked': 'Klinikfunk is locked. Please unlock with your PIN.',
  'error.not_found': 'The item was not found. It may have been deleted.',
  'error.unavailable': 'This function is switched off on this workstation. Ask your IT.',
  'error.wrong_passphrase': 'The passphrase is not correct. Mind upper and lower case and Caps Lock.',
  'error.too_many_attempts':
    'The passphrase was entered wrongly several times. To protect your data, signing in is blocked for a short while: please wait a few minutes (five at most) and try again.',
  'error.secure_store_unavailable':
    'This profile is bound to another Windows account or another computer and cannot be opened here. Sign in to Windows with the account the profile was set up under, or contact your IT.',
  'error.relay_untrusted':
    "The server was refused: its certificate is from a certificate authority this computer does not trust. Please tell IT: the clinic's certificate authority belongs in the Windows certificate store or in the policy “RelayCaCertificates”.",
  'error.proxy_refused':
    "Your organisation's proxy server does not allow the connection to the Klinikfunk server. Please tell IT: the proxy must allow connections (CONNECT) to the server's address and port.",
  'error.proxy_auth':
    'The proxy server asks for a sign-in that Klinikfunk does not have or that it refuses. Please tell IT: the credentials in the policy “ProxyServer” must be right.',
  'error.proxy_unreachable':
    'The proxy server cannot be reached. Please tell IT: the address in the policy “ProxyServer” or the Windows proxy setting must be right.',
  'error.relay_unreachable':
    "Your organisation's server cannot be reached. Check the network connection and try again shortly; if that does not help, contact your IT.",
  'error.orgCreate.relay_unreachable':
    'The server cannot be reached. Check the server address and the network connection; if that does not help, contact your IT.',
  'error.orgJoin.relay_unreachable':
    'The server cannot be reached. Check the server address from your letter and the network connection; if that does not help, contact your IT.',
  'error.admin.relay_unreachable':
    'The server cannot be reached right now. Please try again once the connection is back (top: "Online").',
  'error.not_permitted': 'You do not have permission for this. Ask an administrator.',
  'error.quota_exceeded':
    'The server takes no more files from this workstation: the storage for files is used up. Please report this to your IT.',
  'error.internal': 'An unexpected error occurred. Please try again; if it persists, report it to your IT.',
  'error.signIn.not_permitted': 'The passphrase is not correct. Mind upper and lower case and Caps Lock.',
  'error.signIn.not_found': 'This profile no longer exists on this workstation. Please choose another one.',
  'error.orgCreate.unavailable':
    'The server cannot be reached or is already set up. Check the server address and setup code; if that does not help, contact your IT.',
  'error.orgCreate.not_permitted':
    'The setup code does not match this server. Please ask your IT for the current code.',
  'error.orgCreate.invalid_input': 'Please check your entries: name, server address, setup code and passphrase.',
  'error.orgJoin.invalid_input':
    'There is a typing error in the registration key. Please compare it block by block with your letter.',
  'error.orgJoin.not_found':
    'This registration key is unknown, already used or expired. Please ask your administrator for a new one.',
  'error.orgJoin.unavailable':
    'The server cannot be reached. Check the server address and the network connection; if that does not help, contact your IT.',
  'error.setPin.invalid_input': 'This PIN is too short or too easy to guess. Please choose another one.',
  'error.unlock.not_found': 'This profile is no longer signed in. Please sign in with your passphrase.',
  'error.unlock.invalid_input': 'The PIN consists of digits only. Please check your entry.',
  'error.send.tooLong':
    'The message is {length} characters long; at most {max} are allowed. Please shorten it or share the text as a file.',
  'error.send.invalid_input': 'The message is empty or too long (at most 20,000 characters).',
  'error.send.not_permitted': 'You are no longer a member of this channel and cannot write here.',
  'error.edit.not_permitted':
    'You can only edit your own messages, and an urgent message no longer once someone has acknowledged it. Delete it then and send a new one.',
  'error.delete.not_permitted': 'You can only delete your own messages.',
  'error.ack.not_permitted': 'You cannot acknowledge this message.',
  'error.retry.unavailable':
    'The server cannot be reached right now. The message is sent as soon as the connection is back.',
  'error.channelCreate.invalid_input': 'Please check the name and members of the channel.',
  'error.channelCreate.unavailable':
    'The channel directory is not ready on this device yet. Create the channel without “discoverable” or try again in a few minutes.',
  'error.channelCreate.not_permitted':
    'This workstation has already created as many channels today as your organisation allows. Create the channel tomorrow or contact your IT.',
  'error.channelCreate.not_found':
    'At least one of the people you chose is no longer known in your organisation. Please open the dialog again and choose the members anew.',
  'error.channelMembers.not_found':
    'At least one of the people you chose is no longer known in your organisation. Please open the member list again and choose anew.',
  'error.icsImport.invalid_input':
    'The file is empty or not a calendar file (.ics). Please export the appointment from your calendar program again and choose that file.',
  'error.channelMembers.not_permitted': "Only the channel's administrators can change its members.",
  'error.channelLeave.not_permitted':
    'Nobody can leave the channel for the whole organisation: every member of staff belongs to it.',
  'error.search.invalid_input': 'Please enter a search term of at most 200 characters.',
  'error.admin.not_permitted':
    'Only administration devices holding the organisation key can add users and create keys.',
  'error.admin.unavailable': 'The server cannot be reached. Please try again once the connection is back.',
};
