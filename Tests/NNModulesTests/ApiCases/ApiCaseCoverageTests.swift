import Testing

/// The api_cases.json ids that have a test, by the file that holds it (repr cases of the common
/// `repr(m)` / `repr(m.extra_repr())` shape come from `ReprCaseTests.standard`).
enum ApiCaseIndex {
    static let covered: [String] = ReprCaseTests.standard.map(\.id) + [
        // ContainerCaseTests.swift
        "sequential_index_slice_len", "sequential_index_error", "sequential_negative_index_error",
        "sequential_append_insert_extend_pop", "sequential_insert_out_of_range_error",
        "sequential_ordereddict_append", "sequential_ordereddict_delete_renumbers", "sequential_add_mul",
        "sequential_setitem", "modulelist_ops", "modulelist_index_error", "moduledict_order_update",
        "moduledict_update_error", "moduledict_update_bad_element_error", "parameterlist_parameterdict_registration",
        "parameterlist_same_param_twice", "parameterlist_call_error", "module_no_forward_error",
        "forward_shape_error_linear",
        // DTypeDeviceCaseTests.swift
        "to_float64", "half", "bfloat16", "double_then_float", "to_int_dtype_error", "to_complex_warning",
        "type_casts_everything", "cpu_noop", "type_float32_casts_int_buffers", "to_meta_and_to_empty",
        "meta_to_cpu_error", "meta_device_context", "share_memory",
        // HookCaseTests.swift
        "forward_pre_hook_single_value", "forward_pre_hook_tuple_and_none", "forward_hook_modify_output",
        "hook_prepend_order", "hook_with_kwargs", "hook_with_kwargs_bad_return_error", "hook_always_call",
        "hook_handle_remove", "hooks_not_called_by_forward", "hook_order_nested", "hook_shared_module_called_twice",
        "global_forward_hook", "full_backward_hooks_order_shapes", "full_backward_hooks_input_no_grad",
        "full_backward_hook_modify_grad_input", "full_backward_pre_hook_modify_grad_output",
        "register_backward_hook_deprecated_warning", "register_backward_hook_single_node", "mix_backward_hooks_error",
        "full_backward_hook_inplace_relu_error",
        // LazyCaseTests.swift
        "lazy_linear_lifecycle", "lazy_shape_access_error", "lazy_numel_error", "lazy_allowed_ops", "lazy_state_dict",
        "lazy_conv2d_lifecycle", "lazy_load_state_dict_materializes", "lazy_in_sequential_repr",
        // ModeCaseTests.swift
        "apply_init_weights_doc_example", "apply_order_nested", "train_eval_propagation", "train_non_bool_error",
        "requires_grad_submodule", "requires_grad_returns_self", "zero_grad_set_to_none",
        // RegistrationCaseTests.swift
        "param_autoregister_order", "param_reassign_keeps_position", "param_assign_none_then_tensor_error",
        "param_before_init_error", "module_before_init_error", "assign_nonmodule_to_module_attr_error",
        "assign_nonTensor_to_buffer_error", "delattr_param_buffer_module", "getattr_missing_error", "parameter_repr",
        "register_parameter_ok_and_none", "register_parameter_dot_error", "register_parameter_empty_error",
        "register_parameter_existing_attr_error", "register_parameter_existing_param_ok",
        "register_parameter_tensor_error", "register_parameter_nonstring_error", "register_buffer_persistent_false",
        "register_buffer_change_persistence", "register_buffer_dot_error", "register_buffer_empty_error",
        "register_buffer_existing_param_error", "register_buffer_nontensor_error", "register_buffer_nonstring_error",
        "register_module_ok_and_none", "add_module_dot_error", "add_module_empty_error",
        "add_module_existing_attr_error", "add_module_non_module_error", "add_module_nonstring_error",
        "register_module_non_module_error", "buffer_class_autoregister", "get_name_and_class",
        // ReprCaseTests.swift
        "repr_custom_extra_repr", "repr_custom_no_children_no_extra", "repr_deep_indent",
        // StateDictCaseTests.swift
        "state_dict_order_nested", "state_dict_prefix", "state_dict_keep_vars", "state_dict_metadata",
        "state_dict_positional_deprecated", "load_state_dict_ok", "load_state_dict_strict_missing_unexpected",
        "load_state_dict_strict_missing_only", "load_state_dict_size_mismatch",
        "load_state_dict_size_mismatch_and_missing", "load_state_dict_non_strict",
        "load_state_dict_non_strict_size_mismatch", "load_state_dict_not_mapping", "load_state_dict_dtype_cast",
        "load_state_dict_assign", "load_state_dict_bn_without_num_batches_tracked",
        "load_state_dict_bn_without_num_batches_tracked_v2", "load_state_dict_nested_error_prefix",
        "state_dict_pre_hook", "state_dict_post_hook", "load_state_dict_post_hook_clears_missing",
        "load_state_dict_pre_hook", "extra_state_round_trip", "extra_state_missing_strict",
        // TraversalCaseTests.swift
        "named_modules_duplicate_doc_example", "named_modules_remove_duplicate_false", "named_modules_prefix",
        "named_modules_memo", "modules_doc_example", "modules_preorder", "named_parameters_shared",
        "named_parameters_prefix_recurse", "named_buffers_bn", "children_named_children",
        "named_modules_skips_none_child", "parameters_count_resnet_block", "get_submodule_ok", "get_parameter_ok",
        "get_buffer_ok", "set_submodule_ok", "set_submodule_empty_error", "get_submodule_missing_error",
        "get_submodule_missing_first_error", "get_submodule_not_module_error",
        "get_submodule_index_out_of_range_error", "get_parameter_missing_error", "get_parameter_not_param_error",
        "get_parameter_module_error", "get_parameter_bad_path_error", "get_buffer_not_buffer_error",
        "get_buffer_missing_error",
    ]
}

@Suite("api_cases: coverage")
struct ApiCaseCoverageTests {
    @Test func everyCaseHasATest() throws {
        let ids = try ApiCase.allCases().map(\.id)
        let covered = ApiCaseIndex.covered
        #expect(Set(covered).count == covered.count, "an id is listed twice")
        #expect(Set(ids).subtracting(covered).sorted() == [], "cases without a test")
        #expect(Set(covered).subtracting(ids).sorted() == [], "tests for ids that are not in api_cases.json")
    }
}
