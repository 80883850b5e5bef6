#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_CALLBACKS_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_CALLBACKS_H_

#include "purple.h"

// PurplePluginProtocolInfo callbacks, each named after its field (as in
// Pidgin's nullprpl).
namespace lilac::testing::fake::prpl {

// Account, presence, buddies, IMs (prpl_callbacks.cc).
const char* list_icon(PurpleAccount* account, PurpleBuddy* buddy);
GList* status_types(PurpleAccount* account);
void login(PurpleAccount* account);
void close(PurpleConnection* gc);
int send_im(PurpleConnection* gc, const char* who, const char* message,
            PurpleMessageFlags flags);
unsigned int send_typing(PurpleConnection* gc, const char* name,
                         PurpleTypingState state);
void get_info(PurpleConnection* gc, const char* who);
void set_status(PurpleAccount* account, PurpleStatus* status);
void add_buddy(PurpleConnection* gc, PurpleBuddy* buddy, PurpleGroup* group);
void remove_buddy(PurpleConnection* gc, PurpleBuddy* buddy, PurpleGroup* group);
void add_deny(PurpleConnection* gc, const char* name);
void rem_deny(PurpleConnection* gc, const char* name);
void alias_buddy(PurpleConnection* gc, const char* who, const char* alias);
void group_buddy(PurpleConnection* gc, const char* who, const char* old_group,
                 const char* new_group);
void set_buddy_icon(PurpleConnection* gc, PurpleStoredImage* image);
void set_public_alias(PurpleConnection* gc, const char* alias,
                      PurpleSetPublicAliasSuccessCallback success_cb,
                      PurpleSetPublicAliasFailureCallback failure_cb);
gboolean send_attention(PurpleConnection* gc, const char* username, guint type);
GList* get_attention_types(PurpleAccount* account);
PurpleXfer* new_xfer(PurpleConnection* gc, const char* who);
void send_file(PurpleConnection* gc, const char* who, const char* filename);

// Rooms (prpl_chat_callbacks.cc).
GList* chat_info(PurpleConnection* gc);
GHashTable* chat_info_defaults(PurpleConnection* gc, const char* chat_name);
char* get_chat_name(GHashTable* components);
void join_chat(PurpleConnection* gc, GHashTable* components);
void reject_chat(PurpleConnection* gc, GHashTable* components);
void chat_invite(PurpleConnection* gc, int id, const char* message,
                 const char* who);
void chat_leave(PurpleConnection* gc, int id);
int chat_send(PurpleConnection* gc, int id, const char* message,
              PurpleMessageFlags flags);
void set_chat_topic(PurpleConnection* gc, int id, const char* topic);
PurpleRoomlist* roomlist_get_list(PurpleConnection* gc);

}  // namespace lilac::testing::fake::prpl

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_CALLBACKS_H_
