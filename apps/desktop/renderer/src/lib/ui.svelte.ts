// Dialogs that can be opened from every screen (top bar, footer, shortcuts).
class GlobalUi {
  privacyOpen = $state(false);
  shortcutsOpen = $state(false);
}

export const ui = new GlobalUi();
