/* fuzz_template.c: libFuzzer target for the template compiler ({{ }},
 * {{{ }}}, {% %}, {# #} to Lua source) and Lua's parser over what it
 * makes: nothing may crash, whatever the template. */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>

#include "render/renderer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    StrBuf out;
    sb_init(&out);
    int line = 0;
    const char *msg = NULL;
    if (template_compile(&out, (const char *)data, size, &line, &msg)) {
        lua_State *L = luaL_newstate();
        /* compile only (mode "t": text, never bytecode); never run */
        if (L) {
            luaL_loadbufferx(L, out.data ? out.data : "", out.len, "=fuzz", "t");
            lua_close(L);
        }
    }
    sb_free(&out);
    return 0;
}
